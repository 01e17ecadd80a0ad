"""A promise made to a customer, with a due time (guide §4 技巧五, docs/notify.md: call back by then,
even if only to say there is no answer yet). Any app can attach one to its records."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Commitment(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        KEPT = "kept", _("Kept")
        BROKEN = "broken", _("Broken")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="commitments",
        verbose_name=_("owner"),
    )
    customer = models.ForeignKey(
        "core.Customer",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("customer"),
    )
    description = models.CharField(_("what was promised"), max_length=255)
    due_at = models.DateTimeField(_("due at"), db_index=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    outcome_note = models.TextField(_("what was said"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # The record the promise was made on (a ticket, an objection, ...).
    source_type = models.ForeignKey(ContentType, models.PROTECT, null=True, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    # A new time agreed with the customer (guide §4 技巧五) closes this promise and opens one
    # linked here; the earlier one counts as kept if the customer heard from us in time.
    rescheduled_from = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="rescheduled_to",
        verbose_name=_("rescheduled from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        app_label = "core"  # keeps its table, content type and permissions (docs/architecture.md)
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_at"]
        indexes = [models.Index(fields=["source_type", "source_id"])]

    def __str__(self) -> str:
        return self.description

    @property
    def kept_on_time(self) -> bool:
        return self.status == self.Status.KEPT and bool(self.closed_at) and self.closed_at <= self.due_at
