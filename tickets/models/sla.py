"""Service-level targets per severity and the record that a breach was escalated (issue 4 §3)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .ticket import Severity, Ticket


class SlaTarget(models.Model):
    """How long a complaint of one severity may take, in wall-clock hours from intake."""

    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, unique=True)
    first_response_hours = models.DecimalField(
        _("first response within (hours)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text=_("From intake until the project manager has planned the service (or rejected it)."),
    )
    resolution_hours = models.DecimalField(
        _("resolution within (hours)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text=_("From intake until QC has archived the ticket (or it was rejected)."),
    )
    warn_percent = models.PositiveSmallIntegerField(
        _("due soon when less than this % of the target is left"),
        default=20,
        validators=[MaxValueValidator(99)],
    )

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["severity"]

    def __str__(self) -> str:
        return str(self.get_severity_display())


class SlaEscalation(models.Model):
    """One per ticket and target: inserting it is the claim that the breach mail goes out once."""

    class Kind(models.TextChoices):
        RESPONSE = "response", _("First response")
        RESOLUTION = "resolution", _("Resolution")

    ticket = models.ForeignKey(
        Ticket, models.CASCADE, related_name="sla_escalations", verbose_name=_("ticket")
    )
    kind = models.CharField(_("target"), max_length=10, choices=Kind.choices)
    due_at = models.DateTimeField(_("was due at"))
    created_at = models.DateTimeField(_("escalated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("SLA escalation")
        verbose_name_plural = _("SLA escalations")
        constraints = [models.UniqueConstraint(fields=["ticket", "kind"], name="sla_escalation_once")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"
