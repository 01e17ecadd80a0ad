"""Finance's pages: disputes with a live voucher preview, vouchers, periods and exports."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import MaterialBatch, Shipment
from core.permissions import action_required
from security.params import int_param, parse_int

from . import rules, selectors, services
from .forms import DisputeForm, ExportForm
from .models import ExportJob, Period, QualityDispute, Voucher


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# ---------------------------------------------------------------- disputes


@action_required("accounting.view")
def dispute_list(request):
    return render(request, "accounting/dispute_list.html", {"disputes": selectors.dispute_list()[:200]})


class UnknownTicket(Exception):
    pass


def _source_ticket(request):
    """The complaint ticket named by ?ticket=<number> (the ticket page's "open a dispute" link)."""
    number = (request.GET.get("ticket") or "").strip()
    if not number:
        return None
    ticket = apps.get_model("tickets", "Ticket").objects.select_related("customer", "shipment")
    found = ticket.filter(number=number).first()
    if found is None:
        raise UnknownTicket(number)
    return found


def _prefill(request, ticket) -> dict:
    """Initial values from the ticket, else from ?shipment=<id>."""
    if ticket is not None:
        return services.dispute_initial(source=ticket)
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
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
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
        except ValidationError as exc:
            for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                form.add_error(field if field in form.fields else None, errors)
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


def _preview(post) -> dict:
    """Vouchers the form's current values would book (for the live preview)."""
    if not post:
        return {}
    data = {k: v for k, v in post.items() if k not in ("csrfmiddlewaretoken",)}
    batch = None
    if data.get("material_batch") and data.get("node") in services.PURCHASE_NODES:
        batch = MaterialBatch.objects.filter(pk=parse_int(data["material_batch"])).first()
        if batch is not None:
            data["unit_price"] = str(batch.unit_price)
    try:
        vouchers = rules.generate(data, chart=selectors.chart_mapping())
    except rules.DisputeInputError as exc:
        names = {f.name: f for f in QualityDispute._meta.get_fields() if hasattr(f, "verbose_name")}
        label = names[exc.field].verbose_name if exc.field in names else ""
        return {"error": exc.message, "field": exc.field, "label": label}
    return {"vouchers": vouchers, "batch": batch}


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
    context = {"dispute": dispute, "vouchers": vouchers, "figures": figures}
    return render(request, "accounting/dispute_detail.html", context)


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
    except ValidationError as exc:
        _errors(request, exc)
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
            for voucher in dispute.vouchers.filter(state=wanted).order_by("generation", "position", "id"):
                BULK[action](voucher=voucher, by=request.user)
                done += 1
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("%(count)s voucher(s) done.") % {"count": done})
    return redirect("accounting:dispute_detail", pk=pk)


# ---------------------------------------------------------------- vouchers


@action_required("accounting.view")
def voucher_list(request):
    state = request.GET.get("state", "")
    period = Period.objects.filter(pk=int_param(request.GET, "period")).first()
    vouchers = selectors.voucher_list(state=state, period=period)[:500]
    return render(
        request,
        "accounting/voucher_list.html",
        {
            "vouchers": vouchers,
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
    except ValidationError as exc:
        _errors(request, exc)
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


@action_required("accounting.period_close")
@require_POST
def period_action(request, pk: int, action: str):
    period = get_object_or_404(Period, pk=pk)
    service = {"close": services.period_close, "reopen": services.period_reopen}.get(action)
    if service is None:
        raise Http404
    try:
        service(period=period, by=request.user)
    except ValidationError as exc:
        _errors(request, exc)
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
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Export #%(id)s queued.") % {"id": job.pk})
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
    # Streamed from disk in blocks: any size, flat memory.
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])
