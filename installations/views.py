"""Pages of installation & commissioning (URLs under /tickets/installations/, names
tickets:installation*)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import can
from apperrors.forms import add_to_form
from tickets.errors import MissingData, TicketError
from tickets.models import Installation, InstallationIssue
from tickets.pagination import CappedPaginator as Paginator
from ui.panels import render_panels

from . import selectors, services
from .forms import CloseImprovementForm, FixForm, InstallationForm, IssueForm, SignForm, VerifyForm

PAGE_SIZE = 50


def _require(request, action: str) -> None:
    if not can(request.user, action):
        raise PermissionDenied


@login_required
def installation_list(request):
    _require(request, "tickets.installation_view")
    qs = selectors.installations()
    status = request.GET.get("status", "")
    if status in Installation.Status.values:
        qs = qs.filter(status=status)
    improvements = request.GET.get("improvements") == "open"  # QC: what is left to track
    if improvements:
        qs = qs.filter(open_improvement_count__gt=0)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "installations/installation_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Installation.Status.choices,
            "improvements": improvements,
        },
    )


@login_required
def installation_new(request):
    _require(request, "tickets.installation_edit")
    form = InstallationForm(request.POST or None, initial={"ticket": request.GET.get("ticket")})
    if request.method == "POST" and form.is_valid():
        try:
            inst = services.installation_create(by=request.user, **form.cleaned_data)
        except MissingData as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Installation saved."))
            return redirect(inst)
    return render(
        request, "installations/installation_new.html", {"form": form}, status=400 if form.errors else 200
    )


def _installation_page(request, inst: Installation, *, forms: dict | None = None, status: int = 200):
    forms = forms or {}
    user = request.user
    is_open = inst.status == Installation.Status.OPEN
    may_issue = is_open and can(user, "tickets.installation_issue")
    may_sign = can(user, "tickets.installation_sign", inst)
    capacities = services.sign_capacities(inst, user) if may_sign else []
    issues = list(inst.issues.all())
    open_issues = [i for i in issues if not i.is_fixed]
    may_close = not is_open and can(user, "tickets.installation_improvement_close")
    context = {
        "inst": inst,
        "panels": render_panels(request, inst),  # e.g. its documents (documents.registry)
        "issue_form": forms.get("issue") or (IssueForm() if may_issue else None),
        "fix_forms": {i.pk: forms.get(("fix", i.pk)) or FixForm(prefix=f"fix{i.pk}") for i in open_issues}
        if may_issue
        else {},
        "sign_form": forms.get("sign")
        or (
            SignForm(capacities=capacities, initial={"rectification": inst.rectification})
            if capacities
            else None
        ),
        "sign_blocked": bool(capacities and any(i.blocks_signing for i in issues)),
        "open_improvements": [i for i in open_issues if i.is_improvement],
        "close_forms": {
            i.pk: forms.get(("close", i.pk)) or CloseImprovementForm(prefix=f"close{i.pk}")
            for i in open_issues
            if i.is_improvement
        }
        if may_close
        else {},
        "verify_form": forms.get("verify")
        or (
            VerifyForm()
            if inst.status == Installation.Status.SIGNED and can(user, "tickets.installation_verify")
            else None
        ),
    }
    context["fix_rows"] = [
        (i, context["fix_forms"].get(i.pk), context["close_forms"].get(i.pk)) for i in issues
    ]
    return render(request, "installations/installation_detail.html", context, status=status)


def _get_installation(pk: int) -> Installation:
    try:
        return selectors.installation_for_page(pk)
    except Installation.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def installation_detail(request, pk: int):
    _require(request, "tickets.installation_view")
    return _installation_page(request, _get_installation(pk))


def _run(request, inst: Installation, form, key, call, success: str):
    """Validate the form, call the service; errors beside the fields (400) or as a message."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except MissingData as exc:
            add_to_form(form, exc)
        except TicketError as exc:
            messages.error(request, exc.message)
            return redirect(inst)
        else:
            messages.success(request, success)
            return redirect(inst)
    return _installation_page(request, _get_installation(inst.pk), forms={key: form}, status=400)


@login_required
def installation_print(request, pk: int):
    """The 整改记录表 (rectification record) to print: issues with their source and fix, the
    phone conferences' decisions, both signatures and QC's verification."""
    _require(request, "tickets.installation_view")
    inst = _get_installation(pk)
    conferences = [i for i in inst.issues.all() if i.handling == InstallationIssue.Handling.CONFERENCE]
    return render(
        request, "installations/installation_print.html", {"inst": inst, "conferences": conferences}
    )


@login_required
@require_POST
def installation_add_issue(request, pk: int):
    _require(request, "tickets.installation_issue")
    inst = get_object_or_404(Installation, pk=pk)
    return _run(
        request,
        inst,
        IssueForm(request.POST),
        "issue",
        lambda d: services.installation_issue_add(installation=inst, by=request.user, **d),
        _("Issue recorded."),
    )


@login_required
@require_POST
def installation_fix_issue(request, pk: int, issue: int):
    _require(request, "tickets.installation_issue")
    inst = get_object_or_404(Installation, pk=pk)
    row = get_object_or_404(InstallationIssue, pk=issue, installation=inst)
    return _run(
        request,
        inst,
        FixForm(request.POST, prefix=f"fix{row.pk}"),
        ("fix", row.pk),
        lambda d: services.installation_issue_fix(issue=row, by=request.user, **d),
        _("Issue marked as fixed."),
    )


@login_required
@require_POST
def installation_sign(request, pk: int):
    _require(request, "tickets.installation_sign")
    inst = get_object_or_404(Installation, pk=pk)
    capacities = services.sign_capacities(inst, request.user) or [request.POST.get("capacity", "")]
    capacities = [c for c in capacities if c in ("project", "production")]
    return _run(
        request,
        inst,
        SignForm(request.POST, capacities=capacities),
        "sign",
        lambda d: services.installation_sign(installation=inst, by=request.user, **d),
        _("Rectification record signed."),
    )


@login_required
@require_POST
def installation_verify(request, pk: int):
    _require(request, "tickets.installation_verify")
    inst = get_object_or_404(Installation, pk=pk)
    return _run(
        request,
        inst,
        VerifyForm(request.POST),
        "verify",
        lambda d: services.installation_verify(installation=inst, by=request.user, **d),
        _("Installation verified by QC."),
    )


@login_required
@require_POST
def installation_close_improvement(request, pk: int, issue: int):
    _require(request, "tickets.installation_improvement_close")
    inst = get_object_or_404(Installation, pk=pk)
    row = get_object_or_404(InstallationIssue, pk=issue, installation=inst)
    return _run(
        request,
        inst,
        CloseImprovementForm(request.POST, prefix=f"close{row.pk}"),
        ("close", row.pk),
        lambda d: services.installation_improvement_close(issue=row, by=request.user, **d),
        _("Improvement request closed."),
    )
