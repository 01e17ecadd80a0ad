from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import action_required, can
from apperrors.exceptions import AppError
from apperrors.forms import add_to_form, flash
from masterdata.models import Customer
from masterdata.selectors import customers_matching
from masterdata.views import autocomplete_response
from promises.models import Commitment
from security.params import int_param
from ui.timeline import customer_timeline

from . import selectors
from .filters import ObjectionFilter
from .forms import ObjectionForm, ProspectLinkForm, QuietContactForm
from .models import Objection, ObjectionType, Prospect, QuietContact
from .services import (
    objection_log,
    objection_update,
    prospect_link_customer,
    quiet_contact_log,
    quiet_contact_update,
)


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
        except AppError as exc:
            add_to_form(form, exc)
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
    if not can(request.user, "objections.edit", objection):
        raise PermissionDenied
    form = ObjectionForm(request.POST or None, objection=objection)
    if request.method == "POST" and form.is_valid():
        try:
            objection_update(
                objection=objection, by=request.user, find_out=form.find_out_input(), **form.service_kwargs()
            )
        except AppError as exc:
            add_to_form(form, exc)
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
    can_edit = can(request.user, "objections.edit", objection)
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
        except AppError as exc:
            flash(request, exc)
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
        filterset.form.fields["customer"].widget.attrs["data-autocomplete"] = (
            reverse("objections:customer-autocomplete") + "?mine=1"
        )
    objections = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    page = Paginator(objections, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # On a phone the filters past the first fold away; how many of them are in use shows.
    folded_in_use = sum(1 for name in list(filterset.form.fields)[1:] if request.GET.get(name))
    return render(
        request,
        "objections/list.html",
        {
            "filter": filterset,
            "page": page,
            "everyone": everyone,
            "query": query.urlencode(),
            "folded_in_use": folded_in_use,
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
    valid = filterset.is_bound and filterset.is_valid()
    objections = filterset.qs if valid else filterset.queryset
    quiet = selectors.quiet_matching(request.user, filterset.form.cleaned_data if valid else {})
    data = selectors.trends(objections=objections, quiet=quiet)
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
        "quiet": {
            "labels": [r["month"] for r in data["quiet"]["by_month"]],
            "quiet": [r["quiet"] for r in data["quiet"]["by_month"]],
            "objections": [r["objections"] for r in data["quiet"]["by_month"]],
        },
        "i18n": {
            "count": _("Objections"),
            "win": _("Win rate (%)"),
            "quiet": _("Customers without objections"),
        },
    }
    return render(
        request,
        "objections/trends.html",
        {"data": data, "chart": chart, "filter": filterset, "genuineness": Objection.Genuineness},
    )


# --- customers who raise no objection (§1-三.5) -------------------------------------------


@action_required("objections.log")
def quiet_log_view(request):
    initial = {}
    customer_id = int_param(request.GET, "customer")
    if request.method != "POST" and customer_id is not None:
        initial["customer"] = Customer.objects.filter(pk=customer_id).first()
    form = QuietContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contact, created = quiet_contact_log(by=request.user, **form.service_kwargs())
        except AppError as exc:
            add_to_form(form, exc)
        else:
            if created:
                messages.success(
                    request, _("Noted: %(name)s raised no objection.") % {"name": contact.party_name}
                )
            else:
                messages.info(request, _("This was already saved; it was not saved twice."))
            return redirect("objections:quiet")
    return render(request, "objections/quiet_form.html", {"form": form, "contact": None})


@action_required("objections.log")
def quiet_list_view(request):
    contacts = selectors.quiet_contacts_visible_to(request.user)
    outcome = request.GET.get("outcome", "")
    if outcome:
        contacts = contacts.filter(outcome=outcome)
    page = Paginator(contacts, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "objections/quiet_list.html",
        {
            "page": page,
            "everyone": can(request.user, "objections.view_all"),
            "outcome": outcome,
            "outcomes": QuietContact.Outcome.choices,
        },
    )


@action_required("objections.log")
def quiet_edit_view(request, pk: int):
    contact = get_object_or_404(selectors.quiet_contacts_visible_to(request.user), pk=pk)
    data = None
    if request.method == "POST":
        # The list's one-line form posts only the outcome: the rest stays as it is.
        data = request.POST.copy()
        current = {
            "customer": contact.customer_id or "",
            "stage": contact.stage,
            "note": contact.note,
            "outcome_date": contact.outcome_date.isoformat() if contact.outcome_date else "",
        }
        for key, value in current.items():
            if key not in data:
                data[key] = str(value)
    form = QuietContactForm(data, contact=contact)
    if request.method == "POST" and form.is_valid():
        try:
            quiet_contact_update(contact=contact, by=request.user, **form.service_kwargs())
        except AppError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Saved: %(name)s.") % {"name": contact.party_name})
            return redirect("objections:quiet")
    return render(request, "objections/quiet_form.html", {"form": form, "contact": contact})


@login_required
@require_GET
def customer_autocomplete(request):
    """The customer filter of my objections and of the trends: only customers of objections
    the user may see (?mine=1: their own), as ObjectionFilter(narrow_choices=True) accepts."""
    if not (can(request.user, "objections.log") or can(request.user, "objections.trends")):
        raise PermissionDenied
    visible = selectors.objections_visible_to(request.user).order_by()
    if request.GET.get("mine"):
        visible = visible.filter(owner=request.user)
    within = Exists(visible.filter(customer=OuterRef("pk")))
    return autocomplete_response(customers_matching(request.GET.get("q", ""), within=within))
