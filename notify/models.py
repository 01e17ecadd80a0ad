"""The outbox: one row per event and recipient, written in the same transaction as the
change that caused it, sent after commit by a Celery task, resent by beat if unsent.

Life of a row (see docs/notify.md, "Delivery guarantees"):
pending --claim--> sending --SMTP accepted--> sent
                           --refused before any byte of the message left--> pending (backoff)
                           --attempts exhausted--> failed
                           --outcome unknown (connection lost mid-send, worker died)--> uncertain
A row is only ever sent from `sending`, and only the one worker whose conditional UPDATE
moved it there may send it: that is what makes delivery at most once.
"""

from django.conf import settings
from django.db import models
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .params import Gone, load


def render_subject(template: str, context: dict, *, number: str = "") -> str:
    """`<template>_subject.txt` in the active language, always carrying the record's number."""
    subject = " ".join(render_to_string(f"{template}_subject.txt", {**context, "number": number}).split())
    if number and number not in subject:
        subject = f"[{number}] {subject}"
    return subject[:255]


def render_body(template: str, context: dict, *, number: str = "", link: str = "") -> str:
    """`<template>_body.txt` in the active language, always carrying the link."""
    body = render_to_string(f"{template}_body.txt", {**context, "link": link, "number": number}).strip()
    if link and link not in body:
        body = f"{body}\n\n{link}"
    return body + "\n"


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # The mail may or may not have gone out; never resent automatically.
        UNCERTAIN = "uncertain", _("Failed (uncertain: may have been sent)")
        SKIPPED = "skipped", _("No e-mail address")

    key = models.CharField(_("key"), max_length=200, unique=True)  # event + recipient
    event = models.CharField(_("event"), max_length=64)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    cc = models.BooleanField(_("cc"), default=False)
    # What the message says: its template and the template's context (notify.params), worded
    # whenever it is shown or sent, in the reader's language. `subject` and `body` keep the
    # text as first worded (the recipient's language then): shown for rows written before
    # templates were kept, or when a record the message names has since been deleted.
    template = models.CharField(_("template"), max_length=100, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    link = models.CharField(_("link"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        app_label = "core"  # keeps its table, content type and permissions (docs/architecture.md)
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["status", "next_attempt_at"], name="core_notif_due_idx"),
        ]

    def __str__(self) -> str:
        return self.subject

    def _context(self) -> dict | None:
        """The template's context read back; None for an old row or a record since deleted."""
        if not self.template:
            return None
        if not hasattr(self, "_loaded"):
            try:
                self._loaded = load(self.params.get("context", {}), getattr(self, "preloaded", None))
                self._loaded["recipient"] = self.recipient
            except (Gone, KeyError, TypeError, ValueError):
                self._loaded = None
        return self._loaded

    @property
    def shown_subject(self) -> str:
        """The subject in the active language (the reader's)."""
        context = self._context()
        if context is None:
            return self.subject
        try:
            return render_subject(self.template, context, number=self.params.get("number", ""))
        except TemplateDoesNotExist:
            return self.subject

    @property
    def shown_body(self) -> str:
        """The body in the active language (the reader's)."""
        context = self._context()
        if context is None:
            return self.body
        try:
            return render_body(self.template, context, number=self.params.get("number", ""), link=self.link)
        except TemplateDoesNotExist:
            return self.body

    @property
    def path(self) -> str:
        """The link without the site's address, to follow it on the current host."""
        site = settings.SITE_URL.rstrip("/")
        if site and self.link.startswith(site + "/"):
            return self.link[len(site) :]
        return self.link
