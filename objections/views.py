from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import action_required, can
from masterdata.models import Customer
from promises.models import Commitment
from security.params import int_param
from ui.timeline import customer_timeline

from . import selectors
from .filters import ObjectionFilter
from .forms import ObjectionForm, ProspectLinkForm
from .models import Objection, ObjectionType, Prospect
from .services import objection_log, objection_update, prospect_link_customer


@action_required("objections.log")
def objection_log_view(request):
    initial = {}
    customer_id = int_param(request.GET, "customer")
    if request.method != "POST" and customer_id is not None:
        initial["customer"] = Customer.objects.filter(pk=customer_id).first()
    form = ObjectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            objection, created = objection_log(
                by=request.user, find_out=form.find_out_input(), **form.service_kwargs()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if created:
                messages.success(request, _("Objection #%(id)s logged.") % {"id": objection.pk})
            else:
                messages.info(request, _("This objection was already saved; it was not saved twice."))
            if request.POST.get("another"):
                return redirect("objections:log")
            return redirect(objection)
    return render(request, "objections/form.html", {"form": form, "objection": None})


@action_required("objections.log")
def objection_edit_view(request, pk: int):
    objection = get_object_or_404(selectors.objections_visible_to(request.user), pk=pk)
    if not selectors.objections_editable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    form = ObjectionForm(request.POST or None, objection=objection)
    if request.method == "POST" and form.is_valid():
        try:
            objection_update(
                objection=objection, by=request.user, find_out=form.find_out_input(), **form.service_kwargs()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Objection #%(id)s saved.") % {"id": objection.pk})
            return redirect(objection)
    return render(request, "objections/form.html", {"form": form, "objection": objection})


@login_required
def objection_detail_view(request, pk: int):
    objection = get_object_or_404(selectors.objections_visible_to(request.user), pk=pk)
    promises = Commitment.objects.filter(
        source_type__app_label="objections", source_type__model="objection", source_id=objection.pk
    ).order_by("due_at")
    can_edit = selectors.objections_editable_by(request.user).filter(pk=pk).exists()
    return render(
        request,
        "objections/detail.html",
        {
            "objection": objection,
            "promises": promises,
            "can_edit": can_edit,
            "history": _history(objection),
            "link_form": ProspectLinkForm() if can_edit and objection.customer_id is None else None,
        },
    )


def _history(objection: Objection, limit: int = 20) -> list[dict]:
    """Who changed what, newest first (simple-history), with the changed fields' names."""
    rows = []
    for record in objection.history.select_related("history_user").order_by("-history_date")[:limit]:
        changed = []
        previous = record.prev_record if record.history_type == "~" else None
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=["updated_at"])
            changed = [str(Objection._meta.get_field(c.field).verbose_name) for c in delta.changes]
        rows.append({"record": record, "changed": changed})
    return rows


@require_POST
@action_required("objections.log")
def prospect_link_view(request, pk: int):
    prospect = get_object_or_404(Prospect, pk=pk)
    back = prospect.objections.filter(
        pk__in=selectors.objections_visible_to(request.user).values("pk")
    ).first()
    if back is None:
        raise PermissionDenied
    form = ProspectLinkForm(request.POST)
    if form.is_valid():
        try:
            prospect_link_customer(prospect=prospect, customer=form.cleaned_data["customer"], by=request.user)
        except ValidationError as exc:
            for msg in exc.messages:
                messages.error(request, msg)
        else:
            messages.success(request, _("The prospect is now linked to the customer."))
    else:
        messages.error(request, _("Choose the customer this prospect became."))
    return redirect(back)


@action_required("objections.log")
def objection_list_view(request):
    everyone = request.GET.get("scope") == "all" and can(request.user, "objections.view_all")
    base = selectors.objections_visible_to(request.user)
    if not everyone:
        base = base.filter(owner=request.user)
    filterset = ObjectionFilter(request.GET or None, queryset=base, narrow_choices=True)
    if not everyone:
        del filterset.form.fields["owner"]
    objections = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    page = Paginator(objections, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "objections/list.html",
        {
            "filter": filterset,
            "page": page,
            "everyone": everyone,
            "query": query.urlencode(),
        },
    )


@action_required("objections.customer_history")
def customer_list_view(request):
    q = request.GET.get("q", "").strip()
    customers = Customer.objects.annotate(objection_count=Count("objections")).order_by("name")
    if q:
        customers = customers.filter(Q(name__icontains=q) | Q(code__icontains=q))
    page = Paginator(customers, 50).get_page(request.GET.get("page"))
    return render(request, "objections/customers.html", {"page": page, "q": q})


@action_required("objections.customer_history")
def customer_history_view(request, pk: int):
    customer = get_object_or_404(Customer, pk=pk)
    entries = customer_timeline(customer=customer, user=request.user)
    kinds = sorted({e.kind for e in entries})
    kind = request.GET.get("kind", "")
    if kind:
        entries = [e for e in entries if e.kind == kind]
    return render(
        request,
        "objections/customer_history.html",
        {"customer": customer, "entries": entries, "kinds": kinds, "kind": kind},
    )


@action_required("objections.playbook")
def playbook_view(request):
    type_code = request.GET.get("type", "")
    return render(
        request,
        "objections/playbook.html",
        {
            "sections": selectors.playbook(type_code=type_code),
            "min_cases": selectors.playbook_min_cases(),
            "types": ObjectionType.objects.all(),
            "type_code": type_code,
        },
    )


@action_required("objections.trends")
def trends_view(request):
    filterset = ObjectionFilter(
        request.GET or None, queryset=selectors.objections_visible_to(request.user), narrow_choices=True
    )
    objections = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    data = selectors.trends(objections=objections)
    chart = {
        "type": {
            "labels": [r["label"] for r in data["by_type"]],
            "counts": [r["count"] for r in data["by_type"]],
        },
        "stage": {
            "labels": [r["label"] for r in data["by_stage"]],
            "counts": [r["count"] for r in data["by_stage"]],
        },
        "month": {
            "labels": [r["month"] for r in data["by_month"]],
            "counts": [r["count"] for r in data["by_month"]],
            "win": [
                None if r["win_rate"] is None else round(r["win_rate"] * 100, 1) for r in data["by_month"]
            ],
        },
        "i18n": {"count": _("Objections"), "win": _("Win rate (%)")},
    }
    return render(
        request,
        "objections/trends.html",
        {"data": data, "chart": chart, "filter": filterset, "genuineness": Objection.Genuineness},
    )
