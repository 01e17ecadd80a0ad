"""Installation & commissioning (procedure §3-5.3, docs/tickets.md): per installation an issue list, a
rectification record signed by the project and production managers, verified by QC."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from masterdata.models import Customer, Shipment

from .ticket import Ticket

USER = settings.AUTH_USER_MODEL


class Installation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Issues being handled")
        SIGNED = "signed", _("Rectification signed")
        VERIFIED = "verified", _("Verified by QC")

    customer = models.ForeignKey(Customer, models.PROTECT, related_name="+", verbose_name=_("customer"))
    ticket = models.ForeignKey(
        Ticket, models.SET_NULL, null=True, blank=True, related_name="installations", verbose_name=_("ticket")
    )
    shipment = models.ForeignKey(
        Shipment, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("shipment")
    )
    title = models.CharField(_("installation"), max_length=200)
    site = models.CharField(_("site"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    rectification = models.TextField(_("rectification record"), blank=True)
    pm_signed_by = models.ForeignKey(
        USER,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by the project manager"),
    )
    pm_signed_at = models.DateTimeField(_("project manager signed at"), null=True, blank=True)
    production_signed_by = models.ForeignKey(
        USER,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by the production manager"),
    )
    production_signed_at = models.DateTimeField(_("production manager signed at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("verified by")
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("QC verification note"), blank=True)
    created_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("installation")
        verbose_name_plural = _("installations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("tickets:installation", args=[self.pk])


class InstallationIssue(models.Model):
    class Handling(models.TextChoices):
        ON_SITE = "on_site", _("Fixed on site")
        CONFERENCE = "conference", _("Raised by phone conference")

    installation = models.ForeignKey(
        Installation, models.CASCADE, related_name="issues", verbose_name=_("installation")
    )
    description = models.TextField(_("issue"))
    handling = models.CharField(_("handled"), max_length=12, choices=Handling.choices)
    # Phone conference: who took part and when (procedure §3-5.3).
    conference_participants = models.CharField(_("conference participants"), max_length=300, blank=True)
    conference_at = models.DateTimeField(_("conference at"), null=True, blank=True)
    resolution = models.TextField(_("how it was fixed"), blank=True)
    fixed_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("fixed by")
    )
    fixed_at = models.DateTimeField(_("fixed at"), null=True, blank=True)
    created_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("installation issue")
        verbose_name_plural = _("installation issues")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_fixed(self) -> bool:
        return self.fixed_at is not None
