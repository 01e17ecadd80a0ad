"""The portal's secrets and what customers and strangers sent through it.

A link is the only key a customer holds: a customer's form link (revocable, issued by the
salesperson who sends it) and a ticket's tracking link. Tokens are random (secrets), compared
in constant time, and never derived from anything a stranger can see."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from security.limits import TEXT_MAX


def new_token() -> str:
    return secrets.token_urlsafe(24)  # 32 characters, 192 bits


class CustomerLink(models.Model):
    """A customer's complaint-form link. Complaints sent through it are logged in the name
    of the salesperson who issued it: they follow them up and keep the call-back promise."""

    customer = models.ForeignKey(
        "core.Customer", models.CASCADE, related_name="portal_links", verbose_name=_("customer")
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("salesperson")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer form link")
        verbose_name_plural = _("customer form links")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer} ({self.created_by})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.created_by.is_active


class TicketAccess(models.Model):
    """The secret of a ticket's tracking page."""

    ticket = models.OneToOneField(
        "tickets.Ticket", models.CASCADE, related_name="portal_access", verbose_name=_("ticket")
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tracking link")
        verbose_name_plural = _("tracking links")

    def __str__(self) -> str:
        return str(self.ticket)


class Survey(models.Model):
    """The customer's rating after the ticket was archived: one per ticket."""

    ticket = models.OneToOneField(
        "tickets.Ticket", models.CASCADE, related_name="portal_survey", verbose_name=_("ticket")
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=TEXT_MAX, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="survey_rating_1_5")
        ]

    def __str__(self) -> str:
        return f"{self.ticket} {self.rating}/5"


class Incident(models.Model):
    """What the portal refused: a forged or revoked link, a filled honeypot, too many tries,
    a form that did not validate. Kept so that staff can see who knocked and why."""

    class Kind(models.TextChoices):
        BAD_LINK = "bad_link", _("Unknown or revoked form link")
        BAD_TRACKING = "bad_tracking", _("Wrong tracking token")
        HONEYPOT = "honeypot", _("Honeypot filled")
        RATE_LIMITED = "rate_limited", _("Too many requests")
        INVALID = "invalid", _("Form not valid")
        SURVEY_REFUSED = "survey_refused", _("Survey refused")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=200)
    detail = models.TextField(_("detail"), max_length=TEXT_MAX, blank=True)
    customer = models.ForeignKey(
        "core.Customer", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("customer")
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("ticket")
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("portal incident")
        verbose_name_plural = _("portal incidents")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind} {self.path}"
