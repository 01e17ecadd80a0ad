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

from urllib.parse import urlsplit

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
        OFF = "off", _("Not e-mailed: turned off by the recipient")

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


# Robot channels (docs/notify.md, "Group robots"). Like the outbox they carry the label "core"
# (docs/architecture.md): migrations in accounts/migrations, admin under /admin/core/.


class RobotWebhook(models.Model):
    """A group robot of WeCom, DingTalk or Feishu: where its messages go and how they are signed.

    Shared robots (no owner) carry the notifications of the roles ticked on them; a personal
    robot (an owner) carries that person's own notifications. The URL holds the robot's key or
    access token, and `secret` signs requests: both are credentials, shown only masked outside
    the robot's own edit form and never written to logs."""

    class Platform(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")
        FEISHU = "feishu", _("Feishu group robot")

    name = models.CharField(_("name"), max_length=64)
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    url = models.CharField(_("webhook address"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    roles = models.JSONField(_("roles"), default=list, blank=True)  # role slugs (accounts.roles.Role)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="robots",
        verbose_name=_("personal robot of"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        app_label = "core"
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}「{self.name}」"

    @property
    def masked_url(self) -> str:
        """The address without its key or token: safe for lists, logs and error records."""
        return mask_url(self.url)


def mask_url(url: str) -> str:
    """scheme://host/path with the query and the last path segment (the Feishu hook token)
    cut to their first four characters."""
    parts = urlsplit(url)
    path = parts.path
    if "/hook/" in path:
        head, _sep, token = path.rpartition("/")
        path = f"{head}/{token[:4]}…"
    query = f"?{parts.query[: parts.query.find('=') + 5]}…" if parts.query else ""
    return f"{parts.scheme}://{parts.netloc}{path}{query}"


class NotifyPreference(models.Model):
    """How one person wants to be told, beside the bell (which always shows everything).
    No row means the default: e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        primary_key=True,
        related_name="notify_preference",
        verbose_name=_("user"),
    )
    email = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        app_label = "core"
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class RobotDelivery(models.Model):
    """One message of one event to one robot, with the same life as a Notification row
    (pending → sending → sent / failed / uncertain; see the Notification docstring).
    Several recipients served by the same robot share one delivery: the group is told once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNCERTAIN = "uncertain", _("Failed (uncertain: may have been sent)")
        SKIPPED = "skipped", _("Robot removed or turned off")

    key = models.CharField(_("key"), max_length=200, unique=True)  # event + robot
    robot = models.ForeignKey(
        RobotWebhook, models.SET_NULL, null=True, related_name="deliveries", verbose_name=_("robot")
    )
    robot_name = models.CharField(_("robot"), max_length=100)  # kept if the robot is deleted
    notifications = models.ManyToManyField(
        Notification, related_name="robot_deliveries", verbose_name=_("notifications")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        app_label = "core"
        verbose_name = _("robot message")
        verbose_name_plural = _("robot messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="core_robot_due_idx")]

    def __str__(self) -> str:
        return f"{self.robot_name} · {self.key}"


class RobotAttempt(models.Model):
    """What happened on one try: the HTTP status, the first bytes of the answer, the error."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("Sent")
        REFUSED = "refused", _("Not sent (will retry)")
        FAILED = "failed", _("Not sent (given up)")
        UNCERTAIN = "uncertain", _("Outcome unknown (not retried)")

    delivery = models.ForeignKey(
        RobotDelivery, models.CASCADE, related_name="attempt_log", verbose_name=_("robot message")
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    response = models.CharField(_("answer"), max_length=500, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)

    class Meta:
        app_label = "core"
        verbose_name = _("robot attempt")
        verbose_name_plural = _("robot attempts")
        ordering = ["delivery", "number", "id"]

    def __str__(self) -> str:
        return f"#{self.number} {self.outcome}"
