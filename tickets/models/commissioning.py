"""Installation & commissioning (procedure §3-5.3, docs/tickets.md): per installation an issue list, a
rectification record signed by the project and production managers, verified by QC."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from masterdata.models import Customer, Shipment
from security.limits import TEXT_MAX

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
    class Source(models.TextChoices):
        """Where the issue came from (procedure §3-5.3: 质量失效, 不能满足顾客需求, 客户提出改善)."""

        QUALITY = "quality", _("Quality failure")
        DESIGN = "design", _("Design does not meet the need")
        IMPROVEMENT = "improvement", _("Customer improvement request")

    class Handling(models.TextChoices):
        ON_SITE = "on_site", _("Fixed on site")
        CONFERENCE = "conference", _("Raised by phone conference")

    installation = models.ForeignKey(
        Installation, models.CASCADE, related_name="issues", verbose_name=_("installation")
    )
    description = models.TextField(_("issue"))
    # No default: whoever raises the issue says where it came from. An improvement request
    # does not block the sign-off; it stays open for QC to track and close.
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, db_index=True)
    handling = models.CharField(_("handled"), max_length=12, choices=Handling.choices)
    # Phone conference (procedure §3-5.3): who took part (people of the system, and names from
    # outside it), when, and what was decided.
    conference_users = models.ManyToManyField(
        USER, blank=True, related_name="+", verbose_name=_("conference participants (users)")
    )
    conference_participants = models.CharField(_("other conference participants"), max_length=300, blank=True)
    conference_at = models.DateTimeField(_("conference at"), null=True, blank=True)
    conference_decision = models.TextField(_("conference decision"), max_length=TEXT_MAX, blank=True)
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

    @property
    def is_improvement(self) -> bool:
        return self.source == self.Source.IMPROVEMENT

    @property
    def closed_by_qc(self) -> bool:
        """An improvement request closed after both signatures (by QC), not fixed before them."""
        inst = self.installation
        signed = [t for t in (inst.pm_signed_at, inst.production_signed_at) if t]
        return self.is_improvement and self.is_fixed and len(signed) == 2 and self.fixed_at > max(signed)

    @property
    def blocks_signing(self) -> bool:
        """An open quality or design issue stops the rectification record being signed."""
        return not self.is_fixed and not self.is_improvement


class InstallationEvent(models.Model):
    """One line of an installation's timeline (shown like a ticket's: tickets/_timeline.html).
    Its own table: an installation need not have a ticket, and its steps are not ticket states."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Installation recorded")
        ISSUE = "issue", _("Issue raised")
        CONFERENCE = "conference", _("Phone conference held")
        FIXED = "fixed", _("Issue fixed")
        SIGNED_PM = "signed_pm", _("Signed by the project manager")
        SIGNED_PRODUCTION = "signed_prod", _("Signed by the production manager")
        VERIFIED = "verified", _("Verified by QC")
        CLOSED = "closed", _("Improvement closed by QC")

    installation = models.ForeignKey(
        Installation, models.CASCADE, related_name="events", verbose_name=_("installation")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    issue = models.ForeignKey(
        InstallationIssue, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("issue")
    )
    text = models.TextField(_("text"), max_length=TEXT_MAX, blank=True)
    actor = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("by"))
    # Not auto_now_add: migration 0011 dates the entries it writes for earlier installations.
    created_at = models.DateTimeField(_("at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("installation timeline entry")
        verbose_name_plural = _("installation timeline entries")
        ordering = ["installation", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.installation_id} {self.kind}"
