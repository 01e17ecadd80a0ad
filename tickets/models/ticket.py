"""The complaint ticket itself: what the customer told sales on the phone (procedure §3-5.2.1
and §4, docs/workflow.md)."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from security.limits import TEXT_MAX

from ..search import search_grams, search_text
from .classification import RootCause

# The ticket's own columns in search_text (with the customer's code and name).
SEARCHED_FIELDS = frozenset(
    {"number", "customer_id", "lot_number", "order_number", "site", "customer_words", "description"}
)
SEARCH_TRIGGERS = SEARCHED_FIELDS | {"customer"}


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    PLANNED = "planned", _("Planned")
    ASSIGNED = "assigned", _("Assigned")
    QC_REVIEW = "qc_review", _("QC review")
    IN_SERVICE = "in_service", _("In service")
    CONFIRMING = "confirming", _("Confirming")
    ARCHIVED = "archived", _("Archived")
    REJECTED = "rejected", _("Rejected")
    REOPENED = "reopened", _("Reopened")


class Remedy(models.TextChoices):
    RETURN = "return", _("Return")
    EXCHANGE = "exchange", _("Exchange")
    REPAIR = "repair", _("Repair")
    NONE = "none", _("None")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("Visit")
    PORTAL = "portal", _("Customer portal")
    OTHER = "other", _("Other")


class Emotion(models.TextChoices):
    CALM = "calm", _("Calm")
    WORRIED = "worried", _("Worried")
    DISAPPOINTED = "disappointed", _("Disappointed")
    ANGRY = "angry", _("Angry")


class TicketCounter(models.Model):
    """One row per year; locked with SELECT ... FOR UPDATE so numbers are never reused."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Ticket(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.RECEIVED)
    # Bumped by every transition: the page sends the version it showed, so a stale page loses.
    version = models.PositiveIntegerField(_("version"), default=1)
    last_seq = models.PositiveIntegerField(default=0, editable=False)  # the timeline's last entry
    channel = models.CharField(
        _("source channel"), max_length=8, choices=Channel.choices, default=Channel.PHONE
    )

    customer = models.ForeignKey(
        "core.Customer", models.PROTECT, related_name="tickets", verbose_name=_("customer")
    )
    caller_name = models.CharField(_("caller"), max_length=64, blank=True)
    caller_phone = models.CharField(_("caller's phone"), max_length=32, blank=True)
    customer_words = models.TextField(_("customer's own words"), max_length=TEXT_MAX)
    description = models.TextField(_("defect description"), max_length=TEXT_MAX)
    shipment = models.ForeignKey(
        "core.Shipment",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("shipment"),
    )
    product = models.ForeignKey(
        "core.Product",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("product"),
    )
    order_number = models.CharField(_("order number"), max_length=64, blank=True)
    lot_number = models.CharField(_("lot/batch number"), max_length=64, blank=True)
    ship_date = models.DateField(_("ship date"), null=True, blank=True)
    quantity = models.DecimalField(_("quantity affected"), max_digits=14, decimal_places=3)
    site = models.CharField(_("site / location"), max_length=200)
    remedy = models.CharField(_("remedy asked"), max_length=8, choices=Remedy.choices)
    paraphrase = models.TextField(_("paraphrase read back"), max_length=TEXT_MAX)
    customer_confirmed = models.BooleanField(_("customer confirmed the paraphrase"), default=False)
    emotion = models.CharField(_("customer's emotion"), max_length=12, choices=Emotion.choices)
    options_offered = models.TextField(_("options offered"), max_length=TEXT_MAX, blank=True)
    option_chosen = models.CharField(_("option chosen"), max_length=200, blank=True)
    onsite_needed = models.BooleanField(_("on-site service needed"), default=False)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    safety = models.BooleanField(_("safety issue"), default=False)
    # Quality classification (docs/insight.md): the defect, from intake on, confirmed on the
    # disposition form; the root cause's category and, for purchased material, the supplier,
    # from the QC review or the disposition form.
    defect_type = models.ForeignKey(
        "tickets.DefectType",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("defect type"),
    )
    root_cause_category = models.CharField(
        _("root cause category"), max_length=16, blank=True, choices=RootCause.choices
    )
    supplier = models.ForeignKey(
        "core.Supplier",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("responsible supplier"),
    )

    service_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_tickets",
        verbose_name=_("service lead"),
    )
    # The two sign-offs of the current disposition form (procedure §3-5.2.7), reset when a new one is filled.
    pm_signed = models.BooleanField(_("project manager signed"), default=False)
    production_signed = models.BooleanField(_("production manager signed"), default=False)
    followed_up = models.BooleanField(_("sales followed up"), default=False)
    # The service lead recorded that the customer is not satisfied with the disposition form
    # (procedure §3-5.2.6): the sign-offs wait for a satisfied customer or a manager's override.
    customer_unsatisfied = models.BooleanField(_("customer not satisfied"), default=False)
    # The departments copied on the intake notification (procedure §3-5.2.1): those sales
    # chose plus those the procedure always names (workflow.intake_cc); role slugs.
    cc_departments = models.JSONField(_("departments copied"), default=list, blank=True)
    reason = models.TextField(_("reason (rejection / reopening)"), max_length=TEXT_MAX, blank=True)

    intake_token = models.UUIDField(_("intake token"), unique=True, default=uuid.uuid4, editable=False)
    # The searched columns joined, as typed, and their CJK characters and pairs
    # (tickets/search.py); kept by save() and by a rename of the customer (tickets/receivers.py).
    search_text = models.TextField(editable=False, default="")
    search_grams = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="tickets_created", verbose_name=_("logged by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    # The SLA clocks stop here (set by ticket_transition): planned or rejected, archived or rejected.
    responded_at = models.DateTimeField(_("first responded at"), null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_text", "search_grams", "updated_at", "last_seq"])

    class Meta:
        verbose_name = _("complaint ticket")
        verbose_name_plural = _("complaint tickets")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="ticket_state_created"),
            # "Open and high severity" is the commonest filter pair: count and page from
            # the index instead of rechecking every ticket in the state.
            models.Index(fields=["state", "severity", "created_at"], name="ticket_state_severity"),
            models.Index(fields=["customer", "created_at"], name="ticket_customer_created"),
            models.Index(fields=["service_lead", "state"], name="ticket_lead_state"),
            models.Index(fields=["created_by", "state"], name="ticket_creator_state"),
            models.Index(fields=["product", "defect_type", "created_at"], name="ticket_product_defect"),
            # "My work" pages the open tickets oldest first, filtered by what each role waits
            # on: walked in order from this small index (index-only), it stops at the page's
            # last row instead of fetching thousands of tickets scattered over the table.
            models.Index(
                fields=["created_at", "id"],
                include=[
                    *("state", "service_lead", "created_by"),
                    *("pm_signed", "production_signed", "followed_up"),
                ],
                condition=~models.Q(state__in=["archived", "rejected"]),
                name="ticket_open_queue",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, update_fields=None, **kwargs):
        """Keeps search_text and search_grams in step with the columns they hold."""
        touched = update_fields is None or not SEARCH_TRIGGERS.isdisjoint(update_fields)
        if touched and (self._state.adding or self._search_sources() != getattr(self, "_searched", None)):
            self.search_text = self.build_search_text()
            self.search_grams = search_grams(self.search_text)
            if update_fields is not None:
                update_fields = {*update_fields, "search_text", "search_grams"}
        super().save(*args, update_fields=update_fields, **kwargs)
        self._searched = self._search_sources()

    def get_absolute_url(self) -> str:
        return reverse("tickets:detail", args=[self.number])

    def build_search_text(self) -> str:
        return search_text(
            [
                self.number,
                self.customer.code,
                self.customer.name,
                self.lot_number,
                self.order_number,
                self.site,
                self.customer_words,
                self.description,
            ]
        )

    @classmethod
    def from_db(cls, db, field_names, values):
        ticket = super().from_db(db, field_names, values)
        ticket._searched = ticket._search_sources()
        return ticket

    def _search_sources(self) -> tuple:
        # Only what is loaded: reading a deferred field here would be a query per row.
        return tuple(self.__dict__.get(f) for f in SEARCHED_FIELDS)

    @property
    def is_open(self) -> bool:
        return self.state not in (State.ARCHIVED, State.REJECTED)
