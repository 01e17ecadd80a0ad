"""A quality dispute: when it arose, how it was settled, and the figures its vouchers need."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from masterdata.models import Customer, MaterialBatch, Shipment, Supplier
from security.limits import TEXT_MAX

from .. import rules


class Node(models.TextChoices):
    BEFORE_ISSUE = "before_issue", _("Before the material is issued")
    AFTER_ISSUE = "after_issue", _("After the material is issued to production")
    AFTER_SALE = "after_sale", _("After the finished goods are sold")
    LITIGATION = "litigation", _("Litigation")


class Outcome(models.TextChoices):
    RETURN = "return", _("Return")
    EXCHANGE = "exchange", _("Exchange")
    ALLOWANCE = "allowance", _("Allowance")
    IN_KIND = "in_kind_compensation", _("In-kind compensation")
    STOPPAGE = "stoppage_loss", _("Stoppage loss")
    INDIRECT = "indirect_loss_compensation", _("Indirect-loss compensation")
    LIT_COSTS = "litigation_costs", _("Litigation costs")
    LIT_INVENTORY = "litigation_lost_inventory", _("Lawsuit lost: defective stock")
    LIT_PREPAYMENT = "litigation_lost_prepayment", _("Lawsuit lost: prepayment unrecoverable")


class InvoiceStatus(models.TextChoices):
    NOT_INVOICED = "not_invoiced", _("Not invoiced (provisional)")
    INVOICED = "invoiced", _("Invoiced")
    DEDUCTED = "invoiced_deducted", _("Invoiced, input VAT deducted")
    NOT_DEDUCTED = "invoiced_not_deducted", _("Invoiced, input VAT not yet deducted")


class Settlement(models.TextChoices):
    PREPAID = "prepaid", _("Prepaid")
    CREDIT = "credit", _("On credit")


class CostLocation(models.TextChoices):
    RAW_MATERIAL = "raw_material", _("Raw material (1403)")
    WIP = "wip", _("Work in progress (5001)")
    FINISHED_GOODS = "finished_goods", _("Finished goods (1405)")
    SOLD = "sold", _("Sold (6401)")


class StoppageType(models.TextChoices):
    SHORT_PLANNED = "short_planned", _("Short and planned (manufacturing overhead)")
    LONG_UNPLANNED = "long_unplanned", _("Long or unplanned (administrative expenses)")


class WriteOffCondition(models.TextChoices):
    """Seed §2.6: the supplier's circumstances that make a loss deductible (one must hold)."""

    DEATH = "1", _("(1) Legal representative dead or missing, estate insufficient")
    FORCE_MAJEURE = "2", _("(2) Unrecoverable through natural disaster, war or other force majeure")
    THREE_YEARS = "3", _("(3) Unpaid for over three years, with firm proof the debtor cannot pay")
    CLOSED = "4", _("(4) Closed, dissolved, bankrupt or deregistered; assets insufficient")
    RESTRUCTURING = "5", _("(5) Debt restructuring or reorganisation agreed, still unrecoverable")
    OTHER = "6", _("(6) Other conditions set by the Ministry of Finance or the State Taxation Administration")


def _date(label, help_text=""):
    return models.DateField(label, null=True, blank=True, help_text=help_text)


def _money(label):
    return models.DecimalField(
        label,
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )


def _qty(label):
    return models.DecimalField(
        label,
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )


class SupplierClaim(models.Model):
    """Purchasing's record of a quality claim on a supplier (procedure §3-3.2: 采购负责供应商质量索赔):
    what the supplier agreed to bear and when it signed. A dispute opened from it takes the
    supplier, the amount (recourse or the stoppage share) and the agreement date."""

    class Kind(models.TextChoices):
        INDIRECT_LOSS = "indirect_loss", _("Share of the compensation paid to the customer")
        STOPPAGE = "stoppage", _("Share of the stoppage loss")

    supplier = models.ForeignKey(Supplier, models.PROTECT, related_name="+", verbose_name=_("supplier"))
    kind = models.CharField(_("claim for"), max_length=16, choices=Kind.choices)
    material_batch = models.ForeignKey(
        MaterialBatch,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("material batch"),
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="supplier_claims",
        verbose_name=_("complaint ticket"),
    )
    reference = models.CharField(_("agreement number"), max_length=64, blank=True)
    agreed_amount = models.DecimalField(
        _("amount the supplier agreed to bear"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    agreement_date = models.DateField(_("supplier agreement date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supplier claim")
        verbose_name_plural = _("supplier claims")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"SC-{self.pk:05d} {self.supplier.name} {self.agreed_amount}"

    @property
    def number(self) -> str:
        return f"SC-{self.pk:05d}"


class QualityDispute(models.Model):
    node = models.CharField(_("node"), max_length=32, choices=Node.choices)
    outcome = models.CharField(_("outcome"), max_length=32, choices=Outcome.choices)
    invoice_status = models.CharField(
        _("invoice status"), max_length=32, choices=InvoiceStatus.choices, blank=True
    )
    settlement = models.CharField(_("settlement"), max_length=16, choices=Settlement.choices, blank=True)
    cost_location = models.CharField(
        _("cost location"), max_length=16, choices=CostLocation.choices, blank=True
    )
    stoppage_type = models.CharField(
        _("stoppage type"), max_length=16, choices=StoppageType.choices, blank=True
    )
    material_batch = models.ForeignKey(
        MaterialBatch,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("material batch"),
    )
    supplier = models.ForeignKey(
        Supplier,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supplier (recourse)"),
    )
    customer = models.ForeignKey(
        Customer, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("customer")
    )
    shipment = models.ForeignKey(
        Shipment, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("shipment")
    )
    # The complaint ticket it came from; `source_reference` keeps its number (or another
    # document's) as text, so vouchers and exports read the same string either way.
    ticket = models.ForeignKey(
        "tickets.Ticket",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="quality_disputes",
        verbose_name=_("complaint ticket"),
    )
    source_reference = models.CharField(_("source document"), max_length=64, blank=True)
    supplier_claim = models.ForeignKey(
        SupplierClaim,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes",
        verbose_name=_("supplier claim"),
    )
    # The lawsuit (a litigation dispute) whose won judgment produced this return, exchange or
    # allowance: booked at its real node, linked back to the suit.
    lawsuit = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="outcomes",
        limit_choices_to={"node": "litigation"},
        verbose_name=_("lawsuit"),
    )
    description = models.TextField(_("description"), max_length=TEXT_MAX, blank=True)
    booking_date = models.DateField(_("booking date"))
    # Business dates of the later vouchers, entered by finance when the event happens; a voucher
    # whose date is still empty is generated once it is entered (rules.DATE_BASES).
    invoice_date = _date(
        _("invoice arrival date"), _("The supplier's invoice for goods booked on an estimate.")
    )
    red_form_date = _date(
        _("red-letter form date"), _("When the red-letter invoice information form was raised.")
    )
    replacement_date = _date(_("replacement arrival date"))
    agreement_date = _date(_("supplier agreement date"), _("When the supplier signed what it bears."))
    payment_date = _date(_("payment date"), _("When the compensation was paid to the customer."))
    judgment_date = _date(_("judgment date"), _("Date of the judgment, mediation or award."))
    write_off_date = _date(_("write-off date"))
    write_off_condition = models.CharField(
        _("write-off condition"), max_length=1, choices=WriteOffCondition.choices, blank=True
    )
    quantity = _qty(_("quantity"))
    affected_quantity = _qty(_("affected quantity"))
    bonus_quantity = _qty(_("bonus quantity"))
    # Copied from the batch when the dispute is opened: a newer contract price never applies.
    unit_price = models.DecimalField(
        _("unit price excl. VAT"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    unit_cost = models.DecimalField(
        _("unit cost"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    vat_rate = models.DecimalField(
        _("VAT rate of the original invoice"), max_digits=5, decimal_places=4, default=Decimal("0.13")
    )
    allowance_amount = _money(_("allowance amount"))
    allowance_rate = models.DecimalField(
        _("allowance rate"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    wages = _money(_("wages"))
    depreciation = _money(_("depreciation"))
    supplier_recoverable = _money(_("borne by the supplier"))
    compensation_to_customer = _money(_("compensation to the customer"))
    supplier_recourse = _money(_("recourse to the supplier"))
    costs = _money(_("litigation costs"))
    net_realizable_value = _money(_("net realizable value"))
    prepaid_balance = _money(_("prepaid balance"))
    evidence = models.TextField(
        _("evidence on file"),
        max_length=TEXT_MAX,
        blank=True,
        help_text=_("Judgment or mediation, arbitration award, contract, agreement, invoices or receipts."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Bumped when a corrected dispute regenerates its vouchers; (dispute, generation, position)
    # is unique, so generating the same generation twice can never book twice.
    generation = models.PositiveIntegerField(_("generation"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quality dispute")
        verbose_name_plural = _("quality disputes")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"QD-{self.pk:05d}" if self.pk else "QD-new"

    RULE_CHOICES = ("node", "outcome", "invoice_status", "settlement", "cost_location", "stoppage_type")

    @property
    def source_number(self) -> str:
        """The source document as shown and exported: the ticket's number if linked."""
        return self.ticket.number if self.ticket_id else self.source_reference

    def rule_input(self) -> dict:
        """The dispute as the rules' input (the same shape as the preview contract)."""
        data = {name: getattr(self, name) for name in self.RULE_CHOICES if getattr(self, name)}
        for name in rules.NUMBER_FIELDS:
            value = getattr(self, name)
            if value is not None:
                data[name] = str(value)
        for name in rules.DATE_FIELDS:
            value = getattr(self, name)
            if value is not None:
                data[name] = value.isoformat()
        return data

    def dates(self) -> dict:
        return {name: getattr(self, name) for name in rules.DATE_FIELDS if getattr(self, name)}


class EvidenceKind(models.TextChoices):
    """Seed §2.6: the evidence a loss (and a write-off) rests on."""

    JUDGMENT = "judgment", _("Court judgment or mediation")
    ARBITRATION = "arbitration", _("Arbitration award")
    CONTRACT = "contract", _("Purchase or sales contract")
    AGREEMENT = "agreement", _("Compensation agreement")
    INVOICE = "invoice", _("Invoices or receipts")


class EvidenceFile(models.Model):
    """A file on the dispute's evidence list; counted as 附件数 on its vouchers."""

    dispute = models.ForeignKey(
        QualityDispute, models.PROTECT, related_name="evidence_files", verbose_name=_("dispute")
    )
    kind = models.CharField(_("kind of evidence"), max_length=16, choices=EvidenceKind.choices)
    document = models.OneToOneField(
        "documents.Document", models.PROTECT, related_name="dispute_evidence", verbose_name=_("file")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.document}"
