"""Write actions of the accounting app. HTML views and the API both call these.

Each is keyword-only, takes the acting user, checks the role, validates and runs in one
transaction. Row locks: the dispute while generating, the period and its counter while posting.
"""

import datetime
import re
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can
from apperrors.exceptions import Conflict, Forbidden, Invalid, full_clean
from documents.services import document_store
from masterdata.models import MaterialBatch, Shipment

from . import rules
from .chart import DEFAULT_CHART, DEFAULT_VAT_RATES, parent_code
from .models import (
    Account,
    EvidenceFile,
    ExportJob,
    Period,
    QualityDispute,
    SupplierClaim,
    VatRate,
    Voucher,
    VoucherCounter,
    VoucherEvent,
    VoucherLine,
)
from .preview import PURCHASE_NODES, batch_price
from .selectors import chart_mapping
from .tasks import EXPORTS

__all__ = ["PURCHASE_NODES"]
WON_OUTCOMES = ("return", "exchange", "allowance", "in_kind_compensation")


def _require(user: User, action: str) -> None:
    if not can(user, action):
        raise Forbidden(_("Your role does not allow this."))


# ---------------------------------------------------------------- disputes


def dispute_initial(*, source) -> dict:
    """Fields to prefill a dispute from where it came from: a complaint ticket or a shipment.

    Duck-typed so this app never imports tickets: any object with `customer`, `shipment`,
    `quantity` (or `affected_quantity`) and `number` works; a ticket is also linked by FK.
    The ticket's quantity is the quantity affected, so it fills `affected_quantity`.
    """
    initial: dict = {}
    if isinstance(source, SupplierClaim):
        return _claim_initial(source)
    if isinstance(source, QualityDispute):
        return _lawsuit_initial(source)
    for name in ("customer", "shipment", "material_batch", "supplier"):
        value = getattr(source, name, None)
        if value is not None:
            initial[name] = value
    if isinstance(source, Shipment):  # opened from the shipment itself: keep the link
        initial["shipment"] = source
    # Traceability: shipment -> the material batch it was made from -> its supplier and price.
    shipment = initial.get("shipment")
    batch = getattr(shipment, "material_batch", None) if shipment is not None else None
    if batch is not None:
        initial.setdefault("material_batch", batch)
        initial.setdefault("supplier", batch.supplier)
    if shipment is not None and getattr(shipment, "quantity", None) is not None:
        initial.setdefault("quantity", _whole(shipment.quantity))
    quantity = getattr(source, "affected_quantity", None) or getattr(source, "quantity", None)
    if quantity is None and shipment is not None:
        quantity = shipment.quantity
    if quantity is not None:
        initial["affected_quantity"] = _whole(quantity)
    if shipment is not None and "customer" not in initial:
        initial["customer"] = shipment.customer
    number = getattr(source, "number", None) or getattr(source, "pk", None)
    if number:
        initial["source_reference"] = str(number)
    if getattr(getattr(source, "_meta", None), "label", "") == "tickets.Ticket":
        initial["ticket"] = source
    return initial


def _whole(quantity):
    if isinstance(quantity, Decimal) and quantity == quantity.to_integral_value():  # 5.000 -> 5
        return quantity.quantize(Decimal(1))
    return quantity


CLAIM_FIELDS = {
    SupplierClaim.Kind.INDIRECT_LOSS: ("after_sale", "indirect_loss_compensation", "supplier_recourse"),
    SupplierClaim.Kind.STOPPAGE: ("after_issue", "stoppage_loss", "supplier_recoverable"),
}


def _claim_initial(claim: SupplierClaim) -> dict:
    """A dispute from purchasing's supplier claim: the supplier, what it agreed to bear and when."""
    node, outcome, amount_field = CLAIM_FIELDS[claim.kind]
    initial = {
        "supplier_claim": claim,
        "supplier": claim.supplier,
        "node": node,
        "outcome": outcome,
        amount_field: claim.agreed_amount,
        "agreement_date": claim.agreement_date,
        "source_reference": claim.reference or claim.number,
    }
    if claim.material_batch_id:
        initial["material_batch"] = claim.material_batch
    if claim.ticket_id:
        ticket = claim.ticket
        initial.update(ticket=ticket, customer=ticket.customer, source_reference=ticket.number)
        if ticket.shipment_id:
            initial["shipment"] = ticket.shipment
    return initial


def _lawsuit_initial(lawsuit: QualityDispute) -> dict:
    """The return, exchange or allowance a won suit yields, linked to the suit."""
    initial = {"lawsuit": lawsuit}
    for name in ("customer", "shipment", "material_batch", "supplier", "ticket", "source_reference"):
        value = getattr(lawsuit, name)
        if value:
            initial[name] = value
    if lawsuit.judgment_date:
        initial["booking_date"] = lawsuit.judgment_date
    return initial


def _apply_claim(fields: dict) -> None:
    """What purchasing recorded wins over typed figures, as the batch price does."""
    claim: SupplierClaim | None = fields.get("supplier_claim")
    if claim is None:
        return
    _node, _outcome, amount_field = CLAIM_FIELDS[claim.kind]
    fields["supplier"] = claim.supplier
    fields[amount_field] = claim.agreed_amount
    fields["agreement_date"] = claim.agreement_date


def _reprice(dispute: QualityDispute) -> None:
    """Re-apply the supplier claim and the batch price to a changed dispute."""
    fields = {
        "supplier_claim": dispute.supplier_claim,
        "node": dispute.node,
        "material_batch": dispute.material_batch,
        "supplier": dispute.supplier,
    }
    _apply_claim(fields)
    _apply_batch_price(fields)
    for name, value in fields.items():
        setattr(dispute, name, value)


def _apply_batch_price(fields: dict) -> None:
    """The batch's own price on a purchase-side dispute (preview.batch_price, the one rule)."""
    batch: MaterialBatch | None = fields.get("material_batch")
    if batch is None:
        return
    price = batch_price(node=fields.get("node"), batch=batch)
    if price is not None:
        fields["unit_price"] = price
    if not fields.get("supplier"):
        fields["supplier"] = batch.supplier


def label_fields(message: str) -> str:
    """A rule's reason with its input field names ("unit_price") replaced by the form labels."""
    labels = {
        f.name: str(f.verbose_name) for f in QualityDispute._meta.get_fields() if hasattr(f, "verbose_name")
    }
    names = sorted((n for n in labels if n in message), key=len, reverse=True)
    for name in names:
        message = re.sub(rf"(?<![A-Za-z0-9_]){name}(?![A-Za-z0-9_])", labels[name], message)
    return message


def dispute_validate(dispute: QualityDispute) -> list[rules.Voucher]:
    """Run the rules on the dispute and check its business dates are in order; a refused
    combination or date becomes a form error on its field."""
    if dispute.shipment_id and dispute.customer_id and dispute.shipment.customer_id != dispute.customer_id:
        raise Invalid(_("This shipment went to another customer."), field="shipment")
    if dispute.lawsuit_id:
        suit = dispute.lawsuit
        if suit.node != "litigation" or suit.pk == dispute.pk:
            raise Invalid(_("Choose a litigation dispute as the lawsuit."), field="lawsuit")
        if dispute.node == "litigation" or dispute.outcome not in WON_OUTCOMES:
            raise Invalid(
                _("A won suit yields a return, exchange, allowance or in-kind compensation."), field="outcome"
            )
        if suit.judgment_date and dispute.booking_date and dispute.booking_date < suit.judgment_date:
            raise Invalid(
                _("It cannot be booked before the judgment (%(date)s).") % {"date": suit.judgment_date},
                field="booking_date",
            )
    try:
        drafts = rules.generate(dispute.rule_input(), chart=chart_mapping())
        rules.check_dates(drafts, dispute.dates())
    except rules.DisputeInputError as exc:
        model_fields = {f.name for f in QualityDispute._meta.get_fields()}
        key = exc.field if exc.field in model_fields else "__all__"
        raise Invalid(label_fields(exc.message), field=key) from None
    return drafts


@transaction.atomic
def dispute_create(*, by: User, booking_date: datetime.date, source=None, **fields) -> QualityDispute:
    """Open a dispute; `source` (e.g. a complaint ticket) prefills what the fields leave empty."""
    _require(by, "accounting.dispute_edit")
    if source is not None:
        for name, value in dispute_initial(source=source).items():
            fields.setdefault(name, value)
    fields.pop("booking_date", None)  # a prefill for the form; the caller's booking date wins
    _apply_claim(fields)
    _apply_batch_price(fields)
    dispute = QualityDispute(created_by=by, booking_date=booking_date, **fields)
    full_clean(dispute, exclude=["created_by"])
    dispute_validate(dispute)
    dispute.save()
    return dispute


@transaction.atomic
def dispute_update(*, dispute: QualityDispute, by: User, **fields) -> QualityDispute:
    """Change a dispute whose vouchers are not generated yet (afterwards: dispute_correct)."""
    _require(by, "accounting.dispute_edit")
    dispute = QualityDispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.vouchers.filter(generation=dispute.generation).exists():
        raise Conflict(_("Its vouchers exist already: correct the dispute instead."), code="wrong_state")
    for name, value in fields.items():
        setattr(dispute, name, value)
    _reprice(dispute)
    full_clean(dispute)
    dispute_validate(dispute)
    dispute.save()
    return dispute


@transaction.atomic
def claim_create(*, by: User, **fields) -> SupplierClaim:
    """Purchasing records what a supplier agreed to bear (procedure §3-3.2)."""
    _require(by, "accounting.claim_edit")
    claim = SupplierClaim(created_by=by, **fields)
    full_clean(claim, exclude=["created_by"])
    claim.save()
    return claim


def chart_ensure() -> None:
    """Create any default account or VAT rate that is missing (the data migration loads them;
    the demo commands call this on a database that may predate them). Existing rows are left
    alone. Never called on the booking path: a missing account there is refused."""
    if Account.objects.count() >= len(DEFAULT_CHART):
        return
    for code in sorted(DEFAULT_CHART, key=len):
        parent = parent_code(code)
        Account.objects.get_or_create(
            code=code,
            defaults={"name": DEFAULT_CHART[code], "parent": Account.objects.filter(code=parent).first()},
        )
    for rate, label, is_default in DEFAULT_VAT_RATES:
        VatRate.objects.get_or_create(
            rate=Decimal(rate),
            defaults={
                "label": label,
                "is_default": is_default and not VatRate.objects.filter(is_default=True).exists(),
            },
        )


def period_for(day: datetime.date) -> Period:
    period = Period.objects.filter(year=day.year, month=day.month).first()
    if period is not None:
        return period
    try:
        with transaction.atomic():
            return Period.objects.create(year=day.year, month=day.month)
    except IntegrityError:  # someone else created it a moment ago
        return Period.objects.get(year=day.year, month=day.month)


def _accounts(codes: set[str]) -> dict[str, Account]:
    accounts = {a.code: a for a in Account.objects.filter(code__in=codes)}
    missing = sorted(codes - set(accounts))
    if missing:  # the data migration loads the chart; a company may have deleted one since
        raise Conflict(
            _("The chart of accounts has no account %(codes)s: add it in the admin first.")
            % {"codes": ", ".join(missing)},
            code="chart_incomplete",
        )
    return accounts


def _save_voucher(
    *, draft: rules.Voucher, day: datetime.date, by: User, accounts: dict[str, Account] | None = None, **extra
) -> Voucher:
    period = period_for(day)
    if period.is_closed:
        raise Conflict(_("The period %(period)s is closed.") % {"period": period}, code="wrong_state")
    voucher = Voucher.objects.create(
        period=period, date=day, summary=draft.summary[:200], created_by=by, **extra
    )
    if accounts is None:
        accounts = _accounts({ln.standard_code for ln in draft.lines})
    VoucherLine.objects.bulk_create(
        VoucherLine(
            voucher=voucher,
            line_no=i,
            account=accounts[line.standard_code],
            account_code=line.account_code,
            account_name=line.account_name,
            side=line.side,
            amount=line.amount,
            summary=line.summary[:200],
            quantity=line.quantity,
            unit_price=line.unit_price,
        )
        for i, line in enumerate(draft.lines, start=1)
    )
    VoucherEvent.objects.create(voucher=voucher, action="created", by=by)
    return voucher


@transaction.atomic
def dispute_generate_vouchers(*, dispute: QualityDispute, by: User) -> list[Voucher]:
    """Create the dispute's draft vouchers whose business date is known; calling it again
    returns the same ones and adds only those whose date was entered since (e.g. V3 of an
    estimate once the invoice date is in). Never books a voucher twice."""
    _require(by, "accounting.dispute_edit")
    dispute = QualityDispute.objects.select_for_update().get(pk=dispute.pk)
    existing = {
        v.position: v for v in dispute.vouchers.filter(generation=dispute.generation, position__isnull=False)
    }
    # A posted voucher of an earlier generation that was never reversed still stands in the
    # books: booking the figures again would count them twice (only dispute_correct, which
    # reverses first, may move to a new generation).
    unreversed = dispute.vouchers.filter(
        generation__lt=dispute.generation, state=Voucher.State.POSTED, reversed_by__isnull=True
    ).exclude(reverses__isnull=False)
    if unreversed.exists():
        raise Conflict(
            _("Posted vouchers of this dispute stand unreversed: correct the dispute instead."),
            code="wrong_state",
        )
    drafts = dispute_validate(dispute)
    dates = dispute.dates()
    wanted = {
        position: (draft, day)
        for position, draft in enumerate(drafts, start=1)
        if position not in existing and (day := rules.voucher_date(draft, dates)) is not None
    }
    if wanted:
        accounts = _accounts({line.standard_code for draft, _day in wanted.values() for line in draft.lines})
        attachments = dispute_attachment_count(dispute)
        for position, (draft, day) in wanted.items():
            existing[position] = _save_voucher(
                draft=draft,
                day=day,
                by=by,
                accounts=accounts,
                dispute=dispute,
                generation=dispute.generation,
                position=position,
                evidence_required=draft.evidence,
                attachments=attachments,
            )
    return [existing[p] for p in sorted(existing)]


def dispute_attachment_count(dispute: QualityDispute) -> int:
    """附件数: the evidence files on file for the dispute."""
    related = getattr(dispute, "evidence_files", None)
    return related.count() if related is not None else 0


def dispute_pending(dispute: QualityDispute) -> list[tuple[int, rules.Voucher, str]]:
    """Vouchers of the current figures still waiting for their business date:
    (position, voucher, the date field finance must enter)."""
    try:
        drafts = rules.generate(dispute.rule_input(), chart=chart_mapping())
    except rules.DisputeInputError:
        return []
    made = set(
        dispute.vouchers.filter(generation=dispute.generation, position__isnull=False).values_list(
            "position", flat=True
        )
    )
    dates = dispute.dates()
    return [
        (position, draft, draft.date_field)
        for position, draft in enumerate(drafts, start=1)
        if position not in made and rules.voucher_date(draft, dates) is None
    ]


@transaction.atomic
def dispute_record_dates(*, dispute: QualityDispute, by: User, **dates: datetime.date) -> list[Voucher]:
    """Enter the business date of an event that happened (the invoice arrived, the supplier
    signed, the customer was paid …) and generate the vouchers that waited for it. A date whose
    vouchers exist already is changed only by correcting the dispute."""
    _require(by, "accounting.dispute_edit")
    dispute = QualityDispute.objects.select_for_update().get(pk=dispute.pk)
    waiting = {field for _pos, _draft, field in dispute_pending(dispute)}
    condition = dates.pop("write_off_condition", None)
    if condition is not None:
        # The qualifying condition may be chosen until the write-off is posted.
        if dispute.vouchers.filter(evidence_required=rules.WRITE_OFF, state=Voucher.State.POSTED).exists():
            raise Conflict(
                _("The write-off is posted: correct the dispute."),
                field="write_off_condition",
                code="wrong_state",
            )
        dispute.write_off_condition = condition
    for name, value in dates.items():
        if name not in rules.DATE_FIELDS:
            raise Invalid(_("Unknown date field."))
        if value is None:
            continue
        if name not in waiting:
            raise Conflict(
                _("Its vouchers exist already (or need no such date): correct the dispute instead."),
                field=name,
                code="wrong_state",
            )
        setattr(dispute, name, value)
    full_clean(dispute)
    dispute_validate(dispute)
    dispute.save()
    return dispute_generate_vouchers(dispute=dispute, by=by)


@transaction.atomic
def dispute_correct(*, dispute: QualityDispute, by: User, **fields) -> list[Voucher]:
    """Correct a dispute whose vouchers exist: posted ones get red-letter reversals, drafts are
    dropped, and the corrected figures generate a new set of vouchers."""
    _require(by, "accounting.dispute_edit")
    dispute = QualityDispute.objects.select_for_update().get(pk=dispute.pk)
    for voucher in dispute.vouchers.filter(generation=dispute.generation, position__isnull=False):
        if voucher.is_posted:
            if not Voucher.objects.filter(reverses=voucher).exists():
                voucher_reverse(voucher=voucher, by=by)
        else:
            voucher.delete()
    for name, value in fields.items():
        setattr(dispute, name, value)
    _reprice(dispute)
    dispute.generation += 1
    full_clean(dispute)
    dispute_validate(dispute)
    dispute.save()
    return dispute_generate_vouchers(dispute=dispute, by=by)


# ---------------------------------------------------------------- vouchers


def _locked(voucher: Voucher) -> Voucher:
    return Voucher.objects.select_for_update().get(pk=voucher.pk)


def _check_balanced(voucher: Voucher) -> None:
    debit = credit = Decimal(0)
    for side, amount in voucher.lines.values_list("side", "amount"):
        if side == "debit":
            debit += amount
        else:
            credit += amount
    if debit != credit or not voucher.lines.exists():
        raise Invalid(
            _("The voucher does not balance: debit %(d)s, credit %(c)s.") % {"d": debit, "c": credit}
        )


def _check_evidence(voucher: Voucher) -> None:
    """Seed §2.6: a lost suit's loss needs evidence on file; a write-off also a qualifying
    condition (1)-(6). Checked at review and again at posting."""
    if not voucher.evidence_required or voucher.dispute_id is None:
        return
    dispute = voucher.dispute
    if not dispute.evidence_files.exists():
        raise Invalid(
            _("Attach at least one evidence file (judgment, award, contract, agreement or receipts) first.")
        )
    if voucher.evidence_required == rules.WRITE_OFF and not dispute.write_off_condition:
        raise Invalid(_("A write-off needs its qualifying condition (1)-(6) chosen on the dispute."))


@transaction.atomic
def evidence_add(*, dispute: QualityDispute, by: User, kind: str, upload) -> EvidenceFile:
    """Attach an evidence file (validated by documents.validate_document) to the dispute; the
    附件数 of its vouchers not yet posted follows."""
    _require(by, "accounting.dispute_edit")
    dispute = QualityDispute.objects.select_for_update().get(pk=dispute.pk)
    evidence = EvidenceFile(dispute=dispute, kind=kind, created_by=by)
    full_clean(evidence, exclude=["document", "created_by"])
    evidence.document = document_store(upload=upload, by=by)
    evidence.save()
    _refresh_attachments(dispute)
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: EvidenceFile, by: User) -> None:
    """Take a file off the list, while no posted voucher of the dispute counts it."""
    _require(by, "accounting.dispute_edit")
    dispute = QualityDispute.objects.select_for_update().get(pk=evidence.dispute_id)
    if dispute.vouchers.filter(state=Voucher.State.POSTED).exists():
        raise Conflict(
            _("Posted vouchers count this file among their attachments: it stays."), code="wrong_state"
        )
    evidence.delete()
    _refresh_attachments(dispute)


def _refresh_attachments(dispute: QualityDispute) -> None:
    count = dispute_attachment_count(dispute)
    dispute.vouchers.exclude(state=Voucher.State.POSTED).update(attachments=count)


@transaction.atomic
def voucher_review(*, voucher: Voucher, by: User) -> Voucher:
    """Draft -> reviewed. The reviewer (审核) must not be the preparer (制单)."""
    _require(by, "accounting.voucher_review")
    voucher = _locked(voucher)
    if voucher.state != Voucher.State.DRAFT:
        raise Conflict(_("Only a draft voucher can be reviewed."), code="wrong_state")
    if not can(by, "accounting.voucher_review", voucher):  # the four-eyes rule
        raise Invalid(_("The preparer cannot review their own voucher."))
    _check_balanced(voucher)
    _check_evidence(voucher)
    voucher.state = Voucher.State.REVIEWED
    voucher.reviewed_by, voucher.reviewed_at = by, timezone.now()
    voucher.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    VoucherEvent.objects.create(voucher=voucher, action="reviewed", by=by)
    return voucher


@transaction.atomic
def voucher_unreview(*, voucher: Voucher, by: User) -> Voucher:
    _require(by, "accounting.voucher_review")
    voucher = _locked(voucher)
    if voucher.state != Voucher.State.REVIEWED:
        raise Conflict(_("Only a reviewed voucher can be sent back to draft."), code="wrong_state")
    voucher.state, voucher.reviewed_by, voucher.reviewed_at = Voucher.State.DRAFT, None, None
    voucher.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    VoucherEvent.objects.create(voucher=voucher, action="unreviewed", by=by)
    return voucher


@transaction.atomic
def voucher_post(*, voucher: Voucher, by: User) -> Voucher:
    """Reviewed -> posted, taking the next number of its period and word.

    The period row is locked first (so closing and posting serialise), then the counter row:
    two people posting at once get consecutive numbers, and a rollback leaves no gap.
    """
    _require(by, "accounting.voucher_post")
    voucher = _locked(voucher)
    if voucher.state != Voucher.State.REVIEWED:
        raise Conflict(_("Only a reviewed voucher can be posted."), code="wrong_state")
    period = Period.objects.select_for_update().get(pk=voucher.period_id)
    if period.is_closed:
        raise Conflict(
            _("The period %(period)s is closed: nothing more can be posted into it.") % {"period": period},
            code="wrong_state",
        )
    _check_balanced(voucher)
    _check_evidence(voucher)
    # 附件数 as posted: the evidence on file now (the posted voucher is frozen from here on).
    voucher.attachments = dispute_attachment_count(voucher.dispute) if voucher.dispute_id else 0
    counter, _created = VoucherCounter.objects.get_or_create(period=period, word=voucher.word)
    counter = VoucherCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    voucher.number = counter.last_number
    voucher.state = Voucher.State.POSTED
    voucher.posted_by, voucher.posted_at = by, timezone.now()
    voucher.save(update_fields=["number", "state", "posted_by", "posted_at", "attachments"])
    VoucherEvent.objects.create(voucher=voucher, action="posted", by=by)
    return voucher


@transaction.atomic
def voucher_delete(*, voucher: Voucher, by: User) -> None:
    """Drop a draft (a posted voucher cannot be deleted: the database refuses it)."""
    _require(by, "accounting.dispute_edit")
    voucher = _locked(voucher)
    if voucher.state != Voucher.State.DRAFT:
        raise Conflict(_("Only a draft voucher can be deleted."), code="wrong_state")
    voucher.delete()


@transaction.atomic
def voucher_reverse(*, voucher: Voucher, by: User, day: datetime.date | None = None) -> Voucher:
    """A red-letter (红字) reversal of a posted voucher: the same lines, negative amounts on the
    same sides, as a draft in an open period, linked to the original."""
    _require(by, "accounting.voucher_post")
    voucher = _locked(voucher)
    if not voucher.is_posted:
        raise Conflict(
            _("Only a posted voucher is reversed; a draft is simply corrected."), code="wrong_state"
        )
    if Voucher.objects.filter(reverses=voucher).exists():
        raise Conflict(_("This voucher has already been reversed."), code="wrong_state")
    if day is None:
        day = voucher.date if not voucher.period.is_closed else timezone.localdate()
    lines = [
        rules.Line(
            line.account_code,
            line.account_name,
            line.side,
            -line.amount,
            f"冲销{voucher.display_number}：{line.summary}"[:200],
            line.account.code,
            -line.quantity if line.quantity is not None else None,
            line.unit_price,
        )
        for line in voucher.lines.select_related("account").order_by("line_no")
    ]
    draft = rules.Voucher(f"冲销{voucher.period} {voucher.display_number}：{voucher.summary}", tuple(lines))
    reversal = _save_voucher(
        draft=draft, day=day, by=by, dispute=voucher.dispute, generation=voucher.generation, reverses=voucher
    )
    VoucherEvent.objects.create(voucher=voucher, action="reversed", by=by)
    return reversal


# ---------------------------------------------------------------- periods


@transaction.atomic
def period_close(*, period: Period, by: User) -> Period:
    _require(by, "accounting.period_close")
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        raise Conflict(_("The period is already closed."), code="wrong_state")
    if period.vouchers.exclude(state=Voucher.State.POSTED).exists():
        raise Conflict(
            _("Post or delete the unposted vouchers of this period before closing it."), code="wrong_state"
        )
    period.status, period.closed_at, period.closed_by = Period.Status.CLOSED, timezone.now(), by
    period.save(update_fields=["status", "closed_at", "closed_by"])
    return period


@transaction.atomic
def period_reopen(*, period: Period, by: User) -> Period:
    _require(by, "accounting.period_close")
    period = Period.objects.select_for_update().get(pk=period.pk)
    if not period.is_closed:
        raise Conflict(_("The period is open."), code="wrong_state")
    period.status, period.closed_at, period.closed_by = Period.Status.OPEN, None, None
    period.save(update_fields=["status", "closed_at", "closed_by"])
    return period


# ---------------------------------------------------------------- exports


def export_request(
    *,
    by: User,
    layout: str,
    file_format: str,
    period: Period | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    include_reviewed: bool = False,
) -> ExportJob:
    """Queue a journal export of posted vouchers (and reviewed ones when asked; never drafts);
    the file is written in the background (tasks.run_export). While the same export by the
    same person is pending or running, that job is answered instead (asking again makes no
    second file), and sent now if the broker was down when it was asked for."""
    _require(by, "accounting.export")
    job = ExportJob(
        created_by=by,
        layout=layout,
        file_format=file_format,
        period=period,
        date_from=date_from,
        date_to=date_to,
        include_reviewed=include_reviewed,
    )
    full_clean(job, exclude=["created_by", "file"])
    if date_from and date_to and date_from > date_to:
        raise Invalid(_("The end date is before the start date."), field="date_to")
    job.key = ExportJob.key_for(layout, file_format, period, date_from, date_to, include_reviewed)
    same = _active_export(by, job.key)
    if same is not None:
        if same.unsent:
            EXPORTS.send_later(same.pk)
        return same
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:  # the same request a moment earlier (one pending or running job per key)
        same = _active_export(by, job.key)
        if same is None:
            raise
        return same
    # A broker outage leaves the job unsent, said on the page; the sweep sends it later.
    EXPORTS.send_later(job.pk)
    return job


def _active_export(by: User, key: str) -> ExportJob | None:
    return ExportJob.objects.filter(created_by=by, key=key, status__in=ExportJob.ACTIVE).first()
