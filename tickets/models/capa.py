"""CAPA effectiveness checks (docs/workflow.md, "Effects"): archiving a ticket schedules one;
QC verifies later."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .steps import Disposition
from .ticket import Ticket

USER = settings.AUTH_USER_MODEL


class CapaCheck(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        EFFECTIVE = "effective", _("Effective")
        NOT_EFFECTIVE = "not_effective", _("Not effective")
        # The ticket was reopened before the check: its next archive schedules a new one.
        CANCELLED = "cancelled", _("Cancelled: ticket reopened")

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="capa_checks", verbose_name=_("ticket"))
    disposition = models.ForeignKey(
        Disposition,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disposition form"),
    )
    # The actions as recorded when archived: what QC is to verify, even if edited later.
    corrective_action = models.TextField(_("corrective action"), blank=True)
    preventive_action = models.TextField(_("preventive action"), blank=True)
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.SCHEDULED, db_index=True
    )
    result_note = models.TextField(_("evidence or what failed"), blank=True)
    verified_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("verified by")
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("QC told at"), null=True, blank=True)
    created_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("scheduled by"))
    created_at = models.DateTimeField(_("scheduled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("CAPA effectiveness check")
        verbose_name_plural = _("CAPA effectiveness checks")
        ordering = ["due_on", "id"]
        constraints = [
            # One open check per ticket: a ticket archived again after a reopen gets a new one.
            models.UniqueConstraint(
                fields=["ticket"],
                condition=models.Q(status="scheduled"),
                name="capa_one_open_check_per_ticket",
            )
        ]

    def __str__(self) -> str:
        return f"CAPA {self.ticket_id} {self.due_on}"
