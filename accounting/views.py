"""Finance's pages: disputes with a live voucher preview, vouchers, periods and exports."""

from decimal import Decimal
from urllib.parse import urlencode

from django import forms as dj_forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import action_required, can
from apperrors.exceptions import AppError
from apperrors.forms import add_to_form, flash
from documents.generated import file_response
from documents.services import download_response
from masterdata.models import Shipment
from security.params import int_param, parse_int

from . import preview, rules, selectors, services
from .forms import ClaimForm, DisputeForm, EvidenceForm, ExportForm
from .models import EvidenceFile, ExportJob, Period, QualityDispute, SupplierClaim, Voucher
from .params import clean_text

# ---------------------------------------------------------------- disputes


@action_required("accounting.view")
def dispute_list(request):
    page = _page(request, selectors.dispute_list())
    return render(request, "accounting/dispute_list.html", {"disputes": page.object_list, "page": page})


def _page(request, rows):
    """Fifty rows a page: finance's lists grow by the year, and none may silently stop."""
    return Paginator(rows, 50).get_page(request.GET.get("page"))


class UnknownTicket(Exception):
    pass


def _source_ticket(request):
    """The complaint ticket named by ?ticket=<number> (the ticket page's "open a dispute" link)."""
    number = clean_text(request.GET.get("ticket"), 64)
    if not number:
        return None
    ticket = apps.get_model("tickets", "Ticket").objects.select_related("customer", "shipment")
    found = ticket.filter(number=number).first()
    if found is None:
        raise UnknownTicket(number)
    return found


def _other_source(request):
    """?claim=<id> (purchasing's supplier claim) or ?lawsuit=<id> (the won suit), if named."""
    claim = parse_int(request.GET.get("claim"))
    if claim:
        return get_object_or_404(
            SupplierClaim.objects.select_related("supplier", "ticket__customer"), pk=claim
        )
    suit = parse_int(request.GET.get("lawsuit"))
    if suit:
        return get_object_or_404(QualityDispute, pk=suit, node="litigation")
    return None


def _prefill(request, ticket) -> dict:
    """Initial values from the ticket, a supplier claim, a lawsuit, else from ?shipment=<id>."""
    if ticket is not None:
        return services.dispute_initial(source=ticket)
    other = _other_source(request)
    if other is not None:
        return services.dispute_initial(source=other)
    shipment = Shipment.objects.filter(pk=int_param(request.GET, "shipment")).first()
    return services.dispute_initial(source=shipment) if shipment is not None else {}


@action_required("accounting.dispute_edit")
def dispute_create(request):
    try:
        ticket = _source_ticket(request)
    except UnknownTicket as exc:
        # Nothing is created from a number that names no ticket; say so instead of an empty form.
        message = _("Complaint ticket %(number)s does not exist; no dispute was opened.") % {
            "number": exc.args[0]
        }
        context = {"form": DisputeForm(), "preview": {}, "unknown_ticket": message}
        return render(request, "accounting/dispute_form.html", context, status=404)
    form = DisputeForm(request.POST or None, initial=_prefill(request, ticket))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        booking_date = data.pop("booking_date")
        try:
            with transaction.atomic():
                dispute = services.dispute_create(
                    by=request.user, booking_date=booking_date, source=ticket, **data
                )
                services.dispute_generate_vouchers(dispute=dispute, by=request.user)
        except AppError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request, _("Dispute %(number)s saved with its draft vouchers.") % {"number": dispute.number}
            )
            return redirect("accounting:dispute_detail", pk=dispute.pk)
    context = {"form": form, "preview": _preview(request.POST), "ticket": ticket}
    return render(request, "accounting/dispute_form.html", context)


@action_required("accounting.dispute_edit")
def dispute_edit(request, pk: int):
    """Change a dispute. Once its vouchers exist this is a correction: posted vouchers get
    red-letter reversals, drafts are dropped, and the corrected figures are booked anew."""
    dispute = get_object_or_404(QualityDispute, pk=pk)
    has_vouchers = dispute.vouchers.filter(generation=dispute.generation).exists()
    form = DisputeForm(request.POST or None, instance=dispute)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            with transaction.atomic():
                if has_vouchers:
                    services.dispute_correct(dispute=dispute, by=request.user, **data)
                else:
                    services.dispute_update(dispute=dispute, by=request.user, **data)
                    services.dispute_generate_vouchers(dispute=dispute, by=request.user)
        except AppError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Dispute %(number)s corrected.") % {"number": dispute.number})
            return redirect("accounting:dispute_detail", pk=dispute.pk)
    context = {
        "form": form,
        "preview": _preview(request.POST),
        "dispute": dispute,
        "ticket": dispute.ticket,
        "correcting": has_vouchers,
    }
    return render(request, "accounting/dispute_form.html", context)


def _preview(post, *, need_booking_date: bool = True) -> dict:
    """Vouchers the form's current values would book (for the live preview), through the same
    preview path as the API and the CLI. The booking date counts in the check: the form cannot
    be saved without it."""
    if not post:
        return {}
    data = {k: v for k, v in post.items() if k != "csrfmiddlewaretoken"}
    try:
        result = preview.plan(data)
    except rules.DisputeInputError as exc:
        names = {f.name: f for f in QualityDispute._meta.get_fields() if hasattr(f, "verbose_name")}
        label = names[exc.field].verbose_name if exc.field in names else ""
        return {"error": services.label_fields(exc.message), "field": exc.field, "label": label}
    if need_booking_date and not (data.get("booking_date") or "").strip():
        label = QualityDispute._meta.get_field("booking_date").verbose_name
        return {
            "error": _("Enter the %(label)s: every voucher is dated by it.") % {"label": label},
            "field": "booking_date",
            "label": label,
        }
    return {
        "vouchers": result.vouchers,
        "dates": result.dates,
        "rows": list(zip(result.vouchers, result.dates, strict=True)),
        "batch": result.batch,
        "typed_price": result.typed_price,
    }


@action_required("accounting.preview")
@require_POST
def dispute_preview(request):
    return render(request, "accounting/_preview.html", {"preview": _preview(request.POST)})


@action_required("accounting.view")
def dispute_detail(request, pk: int):
    dispute = get_object_or_404(selectors.dispute_list(), pk=pk)
    vouchers = selectors.voucher_list().filter(dispute=dispute).order_by("generation", "position", "id")
    figures = [
        (QualityDispute._meta.get_field(name).verbose_name, _figure(name, getattr(dispute, name)))
        for name in rules.NUMBER_FIELDS
        if getattr(dispute, name) is not None
    ]
    dates = [
        (QualityDispute._meta.get_field(name).verbose_name, getattr(dispute, name))
        for name in rules.DATE_FIELDS
        if name != "booking_date" and getattr(dispute, name)
    ]
    pending = [
        (position, draft, field, QualityDispute._meta.get_field(field).verbose_name)
        for position, draft, field in services.dispute_pending(dispute)
    ]
    context = {
        "outcomes": dispute.outcomes.all() if dispute.node == "litigation" else [],
        "dispute": dispute,
        "vouchers": vouchers,
        "figures": figures,
        "dates": dates,
        "pending": pending,
        "evidence": dispute.evidence_files.select_related("document", "created_by"),
        "evidence_form": EvidenceForm(),
        "posted": any(v.is_posted for v in vouchers),
        "needs_condition": not dispute.write_off_condition
        and any(v.evidence_required == rules.WRITE_OFF for v in vouchers),
        "conditions": QualityDispute._meta.get_field("write_off_condition").choices,
        "drafts": [v for v in vouchers if v.state == Voucher.State.DRAFT],
        "reviewable": [
            v for v in vouchers if v.state == Voucher.State.DRAFT and v.created_by_id != request.user.pk
        ],
        "reviewed": sum(1 for v in vouchers if v.state == Voucher.State.REVIEWED),
    }
    return render(request, "accounting/dispute_detail.html", context)


@action_required("accounting.dispute_edit")
@require_POST
def dispute_dates(request, pk: int):
    """Enter the date of an event that happened; the vouchers that waited for it are generated."""
    dispute = get_object_or_404(QualityDispute, pk=pk)
    field = dj_forms.DateField()
    dates = {}
    for name in rules.DATE_FIELDS:
        raw = (request.POST.get(name) or "").strip()
        if not raw:
            continue
        try:
            dates[name] = field.clean(raw)
        except ValidationError as exc:  # the typed date itself
            flash(request, exc)
            return redirect("accounting:dispute_detail", pk=pk)
    condition = clean_text(request.POST.get("write_off_condition"), 1)
    if condition:
        dates["write_off_condition"] = condition
    if not dates:
        messages.error(request, _("Enter the date first."))
        return redirect("accounting:dispute_detail", pk=pk)
    try:
        services.dispute_record_dates(dispute=dispute, by=request.user, **dates)
    except AppError as exc:
        flash(request, exc)
    else:
        messages.success(request, _("Date recorded; the vouchers that waited for it are generated."))
    return redirect("accounting:dispute_detail", pk=pk)


def _figure(name: str, value) -> str:
    if name in ("vat_rate", "allowance_rate"):
        return f"{(value * 100).normalize():f}%"
    if name in ("quantity", "affected_quantity", "bonus_quantity", "unit_price", "unit_cost"):
        return f"{value.normalize():,f}"
    return f"{value:,.2f}"


@action_required("accounting.dispute_edit")
@require_POST
def dispute_generate(request, pk: int):
    dispute = get_object_or_404(QualityDispute, pk=pk)
    try:
        services.dispute_generate_vouchers(dispute=dispute, by=request.user)
    except AppError as exc:
        flash(request, exc)
    return redirect("accounting:dispute_detail", pk=pk)


BULK = {"review": services.voucher_review, "post": services.voucher_post}


@action_required("accounting.view")
@require_POST
def dispute_bulk(request, pk: int, action: str):
    """Review or post all of a dispute's current vouchers, in booking order."""
    dispute = get_object_or_404(QualityDispute, pk=pk)
    if action not in BULK:
        raise Http404
    wanted = Voucher.State.DRAFT if action == "review" else Voucher.State.REVIEWED
    done = 0
    try:
        with transaction.atomic():
            todo = dispute.vouchers.filter(state=wanted).order_by("generation", "position", "id")
            if action == "review":  # one's own drafts are left for a colleague (制单 ≠ 审核)
                todo = [v for v in todo if can(request.user, "accounting.voucher_review", v)]
            for voucher in todo:
                BULK[action](voucher=voucher, by=request.user)
                done += 1
    except AppError as exc:
        flash(request, exc)
    else:
        messages.success(request, _("%(count)s voucher(s) done.") % {"count": done})
    return redirect("accounting:dispute_detail", pk=pk)


# ---------------------------------------------------------------- vouchers


@action_required("accounting.view")
def voucher_list(request):
    state = clean_text(request.GET.get("state"), 16)
    state = state if state in Voucher.State.values else ""
    period = Period.objects.filter(pk=int_param(request.GET, "period")).first()
    page = Paginator(selectors.voucher_list(state=state, period=period), 50).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in (("state", state), ("period", period and period.pk)) if v})
    return render(
        request,
        "accounting/voucher_list.html",
        {
            "vouchers": page.object_list,
            "page": page,
            "query": query,
            "states": Voucher.State.choices,
            "state": state,
            "periods": Period.objects.all(),
            "period": period,
        },
    )


@action_required("accounting.view")
def voucher_detail(request, pk: int):
    try:
        voucher = selectors.voucher_detail(pk)
    except Voucher.DoesNotExist:
        raise Http404 from None
    debit, credit = selectors.voucher_totals(voucher)
    reversal = Voucher.objects.filter(reverses=voucher).first()
    return render(
        request,
        "accounting/voucher_detail.html",
        {
            "voucher": voucher,
            "debit": debit,
            "credit": credit,
            "balanced": debit == credit,
            "reversal": reversal,
        },
    )


ACTIONS = {
    "review": services.voucher_review,
    "unreview": services.voucher_unreview,
    "post": services.voucher_post,
    "reverse": services.voucher_reverse,
    "delete": services.voucher_delete,
}


@login_required
@require_POST
def voucher_action(request, pk: int, action: str):
    voucher = get_object_or_404(Voucher, pk=pk)
    if action not in ACTIONS:
        raise Http404
    try:
        result = ACTIONS[action](voucher=voucher, by=request.user)
    except AppError as exc:
        flash(request, exc)
        return redirect("accounting:voucher_detail", pk=pk)
    if action == "delete":
        messages.success(request, _("Draft deleted."))
        return redirect("accounting:voucher_list")
    if action == "reverse":
        messages.success(
            request, _("Red-letter reversal %(number)s created as a draft.") % {"number": result}
        )
        return redirect("accounting:voucher_detail", pk=result.pk)
    messages.success(
        request, _("Voucher %(number)s: %(state)s.") % {"number": result, "state": result.get_state_display()}
    )
    return redirect("accounting:voucher_detail", pk=pk)


# ---------------------------------------------------------------- periods


@action_required("accounting.view")
def period_list(request):
    return render(
        request, "accounting/period_list.html", {"periods": Period.objects.select_related("closed_by")}
    )


@action_required("accounting.view")
def period_balances(request, pk: int):
    """Month-end: the 科目发生额及余额表 of the accounts the disputes touched, and the check that
    the period's exported lines add up to it exactly."""
    period = get_object_or_404(Period, pk=pk)
    rows = selectors.period_balances(period)
    differences = selectors.export_check(period, rows)
    totals = {
        "debit": sum((r.debit for r in rows), Decimal(0)),
        "credit": sum((r.credit for r in rows), Decimal(0)),
    }
    context = {"period": period, "rows": rows, "differences": differences, "totals": totals}
    return render(request, "accounting/period_balances.html", context)


@action_required("accounting.period_close")
@require_POST
def period_action(request, pk: int, action: str):
    period = get_object_or_404(Period, pk=pk)
    service = {"close": services.period_close, "reopen": services.period_reopen}.get(action)
    if service is None:
        raise Http404
    try:
        service(period=period, by=request.user)
    except AppError as exc:
        flash(request, exc)
    else:
        text = _("Period %(period)s closed.") if action == "close" else _("Period %(period)s reopened.")
        messages.success(request, text % {"period": period})
    return redirect("accounting:period_list")


# ---------------------------------------------------------------- exports


@action_required("accounting.export")
def export_list(request):
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.export_request(by=request.user, **form.cleaned_data)
        except AppError as exc:
            flash(request, exc)
        else:
            # Whether the broker took it shows in the job's row (the send runs after commit).
            messages.success(request, _("Export #%(id)s registered.") % {"id": job.pk})
            return redirect("accounting:export_list")
    return render(request, "accounting/export_list.html", {"form": form, "jobs": _jobs(request)})


def _jobs(request):
    return ExportJob.objects.select_related("period")[:20]


@action_required("accounting.export")
def export_jobs(request):
    """The job table alone, polled by htmx while an export runs."""
    return render(request, "accounting/_export_jobs.html", {"jobs": _jobs(request)})


@action_required("accounting.export")
def export_download(request, pk: int):
    job = get_object_or_404(ExportJob, pk=pk, status=ExportJob.Status.DONE)
    return file_response(job.file, filename=job.file.name.rsplit("/", 1)[-1])


# ---------------------------------------------------------------- evidence


@action_required("accounting.dispute_edit")
@require_POST
def evidence_upload(request, pk: int):
    dispute = get_object_or_404(QualityDispute, pk=pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("accounting:dispute_detail", pk=pk)
    try:
        services.evidence_add(
            dispute=dispute, by=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
        )
    except AppError as exc:
        flash(request, exc)
    else:
        messages.success(request, _("Evidence file attached."))
    return redirect("accounting:dispute_detail", pk=pk)


@action_required("accounting.dispute_edit")
@require_POST
def evidence_remove(request, pk: int, evidence_pk: int):
    # The dispute by its own pk first: Django bounds a pk lookup, not a foreign-key one, and
    # SQLite cannot compare 20 digits with an INTEGER.
    dispute = get_object_or_404(QualityDispute, pk=pk)
    evidence = get_object_or_404(EvidenceFile, pk=evidence_pk, dispute=dispute)
    try:
        services.evidence_remove(evidence=evidence, by=request.user)
    except AppError as exc:
        flash(request, exc)
    else:
        messages.success(request, _("Evidence file removed."))
    return redirect("accounting:dispute_detail", pk=pk)


@action_required("accounting.view")
def evidence_download(request, pk: int, evidence_pk: int):
    """Evidence is served only to roles that may view accounting, as an attachment."""
    dispute = get_object_or_404(QualityDispute, pk=pk)  # see evidence_remove: pk first
    evidence = get_object_or_404(
        EvidenceFile.objects.select_related("document"), pk=evidence_pk, dispute=dispute
    )
    return download_response(evidence.document)


# ---------------------------------------------------------------- supplier claims


@action_required("accounting.view")
def claim_list(request):
    """Purchasing's supplier claims (procedure §3-3.2); finance opens the recourse dispute from one."""
    form = ClaimForm(request.POST or None)
    if request.method == "POST":
        if not can(request.user, "accounting.claim_edit"):
            raise PermissionDenied
        if form.is_valid():
            try:
                claim = services.claim_create(by=request.user, **form.cleaned_data)
            except AppError as exc:
                flash(request, exc)
            else:
                messages.success(request, _("Supplier claim %(number)s recorded.") % {"number": claim.number})
                return redirect("accounting:claim_list")
    page = _page(
        request,
        SupplierClaim.objects.select_related("supplier", "ticket")
        .prefetch_related("disputes")
        .order_by("-id"),
    )
    return render(
        request, "accounting/claim_list.html", {"form": form, "claims": page.object_list, "page": page}
    )
