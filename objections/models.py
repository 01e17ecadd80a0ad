"""Sales objections (docs/objections.md): what the customer said, what we answered, and how it ended."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from security.limits import TEXT_MAX


class ObjectionType(models.Model):
    """An editable list (admin): need, product, price, ... seeded by a data migration."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    active = models.BooleanField(_("active"), default=True, help_text=_("Inactive types cannot be chosen."))

    class Meta:
        verbose_name = _("objection type")
        verbose_name_plural = _("objection types")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.name_en and (translation.get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Prospect(models.Model):
    """Someone we sell to who is not a customer yet. Linked to the Customer once one exists."""

    name = models.CharField(_("prospect"), max_length=128)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    customer = models.ForeignKey(
        "core.Customer",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="prospects",
        verbose_name=_("became customer"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("prospect")
        verbose_name_plural = _("prospects")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} {self.phone}".strip()


class SalesStage(models.TextChoices):
    CONTACT = "contact", pgettext_lazy("objection", "Contact")
    NEGOTIATION = "negotiation", pgettext_lazy("objection", "Negotiation")
    PRESENTATION = "presentation", pgettext_lazy("objection", "Product presentation")
    CLOSING = "closing", pgettext_lazy("objection", "Closing")


def party_fields(related_name: str) -> tuple[models.ForeignKey, models.ForeignKey, models.ForeignKey]:
    """The salesperson, and the customer or prospect they spoke to, reached back from each under
    `related_name` (the one thing that differs between the sales contacts)."""
    return (
        models.ForeignKey(
            settings.AUTH_USER_MODEL, models.PROTECT, related_name=related_name, verbose_name=_("salesperson")
        ),
        models.ForeignKey(
            "core.Customer",
            models.PROTECT,
            null=True,
            blank=True,
            related_name=related_name,
            verbose_name=_("customer"),
        ),
        models.ForeignKey(
            Prospect,
            models.PROTECT,
            null=True,
            blank=True,
            related_name=related_name,
            verbose_name=_("prospect"),
        ),
    )


class SalesContact(models.Model):
    """What an objection and a customer without objections share: at which stage of the sale,
    how and when it ended, once-only saving, and whom it was with (`party_fields`). Abstract:
    each keeps its own table, related names, outcomes and constraints."""

    stage = models.CharField(_("sales stage"), max_length=16, choices=SalesStage.choices)
    outcome_date = models.DateField(_("outcome date"), null=True, blank=True)
    # One per form rendering: a second submit of the same form finds the first record.
    submit_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def party_name(self) -> str:
        if self.customer_id:
            return self.customer.name
        return self.prospect.name if self.prospect_id else ""


class Objection(SalesContact):
    Stage = SalesStage

    class Genuineness(models.TextChoices):
        TRUE = "true", _("True objection")
        FALSE = "false", _("False objection (excuse)")
        HIDDEN = "hidden", _("Hidden objection")

    class Cause(models.TextChoices):
        # Seed §1-一: why objections arise.
        DISTRUST = "distrust", _("Distrust of the salesperson")
        UNCERTAINTY = "uncertainty", _("Customer's own uncertainty")
        EXPECTATIONS = "expectations", _("Expectations not met")
        UNKNOWN = "unknown", _("Not clear yet")

    class Technique(models.TextChoices):
        # How we answered; the playbook groups outcomes by these, since the free text varies.
        TURN_AROUND = "turn_around", _("Turn it around (the objection is the reason to buy)")
        YES_BUT = "yes_but", _("Yes, but… (indirect denial)")
        DIRECT_DENIAL = "direct_denial", _("Direct denial with facts")
        COMPENSATION = "compensation", _("Compensation (admit it, stress other benefits)")
        QUESTIONING = "questioning", _("Ask questions to find the real concern")
        IGNORE = "ignore", _("Let it pass (excuse or joke)")
        EVIDENCE = "evidence", _("Proof: references, test reports, trial")
        FIND_OUT = "find_out", _("Honestly say I don't know and find out")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        PENDING = "pending", pgettext_lazy("objection", "Pending")
        RESOLVED = "resolved", pgettext_lazy("objection", "Resolved")
        LOST = "lost", pgettext_lazy("objection", "Lost")
        WON = "won", pgettext_lazy("objection", "Won (order)")

    owner, customer, prospect = party_fields("objections")
    words = models.TextField(_("customer's words"), max_length=TEXT_MAX)
    type = models.ForeignKey(
        ObjectionType, models.PROTECT, related_name="objections", verbose_name=_("objection type")
    )
    genuineness = models.CharField(_("true, false or hidden"), max_length=8, choices=Genuineness.choices)
    hidden_belief = models.TextField(_("what lies behind it"), max_length=TEXT_MAX, blank=True)
    cause = models.CharField(_("likely cause"), max_length=16, choices=Cause.choices, default=Cause.UNKNOWN)
    technique = models.CharField(_("response technique"), max_length=16, choices=Technique.choices)
    response = models.TextField(_("response given"), max_length=TEXT_MAX, blank=True)
    # §1 "learn from rejection": what a lost objection taught us; required once it is lost.
    lesson = models.TextField(_("lesson learned"), max_length=TEXT_MAX, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.PENDING, db_index=True
    )
    history = HistoricalRecords(excluded_fields=["submit_token"])

    class Meta(SalesContact.Meta):
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | Q(prospect__isnull=False),
                name="objection_has_customer_or_prospect",
            ),
            models.CheckConstraint(
                condition=~Q(genuineness="hidden") | ~Q(hidden_belief=""),
                name="objection_hidden_needs_belief",
            ),
            models.CheckConstraint(
                condition=Q(outcome="pending") | Q(outcome_date__isnull=False),
                name="objection_outcome_needs_date",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.type} · {self.party_name}"

    def get_absolute_url(self) -> str:
        return reverse("objections:detail", args=[self.pk])


class QuietContact(SalesContact):
    """A customer who raised no objection at all (§1-三.5: the hardest customer to handle),
    so the trends can show how often that happens and how those sales end."""

    class Outcome(models.TextChoices):
        PENDING = "pending", pgettext_lazy("objection", "Pending")
        WON = "won", pgettext_lazy("objection", "Won (order)")
        LOST = "lost", pgettext_lazy("objection", "Lost")

    owner, customer, prospect = party_fields("quiet_contacts")
    note = models.TextField(_("note"), max_length=TEXT_MAX, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.PENDING, db_index=True
    )
    history = HistoricalRecords(excluded_fields=["submit_token"])

    class Meta(SalesContact.Meta):
        verbose_name = _("customer without objections")
        verbose_name_plural = _("customers without objections")
        constraints = [
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | Q(prospect__isnull=False),
                name="quiet_contact_has_customer_or_prospect",
            ),
            models.CheckConstraint(
                condition=Q(outcome="pending") | Q(outcome_date__isnull=False),
                name="quiet_contact_outcome_needs_date",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.party_name}"

    def get_absolute_url(self) -> str:
        return reverse("objections:quiet-edit", args=[self.pk])
