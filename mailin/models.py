"""Inbound e-mail: every message fetched from the mailbox is one row, raw bytes kept, whatever
became of it (a draft complaint, a timeline entry, ignored with a reason, failed with the
error). The Message-ID is unique: the same mail fetched twice creates nothing."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def raw_path(instance: "InboundMessage", filename: str) -> str:
    return f"mailin/raw/{instance.uid.hex[:2]}/{instance.uid.hex}.eml"


def attachment_path(instance: "InboundAttachment", filename: str) -> str:
    # A generated name: nothing the sender wrote reaches the storage path.
    return f"mailin/files/{instance.uid.hex[:2]}/{instance.uid.hex}.bin"


class InboundMessage(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("Received, not yet handled")
        UNMATCHED = "unmatched", _("Sender not recognised")
        DRAFT = "draft", _("Draft complaint")
        CONFIRMED = "confirmed", _("Complaint logged")
        DISCARDED = "discarded", _("Discarded")
        REPLY_LOGGED = "reply_logged", _("Added to the ticket")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Could not be read")

    class Reason(models.TextChoices):
        AUTO_REPLY = "auto_reply", _("Automatic reply")
        BOUNCE = "bounce", _("Delivery failure report")
        BULK = "bulk", _("Bulk or mailing-list mail")
        LOOP = "loop", _("Our own mail came back")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The sender's Message-ID, or "sha256:<hex of the raw bytes>" for a mail without one.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    mailbox = models.CharField(_("mailbox"), max_length=255, blank=True)
    imap_uid = models.PositiveBigIntegerField(_("IMAP UID"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    from_address = models.CharField(_("sender"), max_length=254, blank=True)
    from_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("mail text"), blank=True)
    in_reply_to = models.TextField(_("in reply to"), blank=True)
    raw = models.FileField(_("original message"), upload_to=raw_path, max_length=200)
    raw_size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices, blank=True)
    # What was wrong with the mail (failed), or what the filter saw (ignored).
    detail = models.TextField(_("detail"), blank=True)
    customer = models.ForeignKey(
        "core.Customer", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("customer")
    )
    contact = models.ForeignKey(
        "core.Contact", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("contact")
    )
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by (staff)"),
    )
    # Who confirms the draft: the customer's salesperson; empty: the sales managers.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_mail",
        verbose_name=_("salesperson"),
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_mail",
        verbose_name=_("ticket"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    discard_reason = models.TextField(_("reason for discarding"), blank=True)

    class Meta:
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "owner"], name="mailin_status_owner")]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("mailin:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        """Still waiting for a person: a draft to confirm or a sender to match."""
        return self.status in (self.Status.DRAFT, self.Status.UNMATCHED)


class InboundAttachment(models.Model):
    """One attached file, kept whatever its type. Only the types documents.validate_document
    accepts may be downloaded (`extension` set); the others stay in the raw message."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message = models.ForeignKey(
        InboundMessage, models.CASCADE, related_name="attachments", verbose_name=_("inbound e-mail")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    declared_type = models.CharField(_("declared type"), max_length=100, blank=True)
    extension = models.CharField(_("type"), max_length=8, blank=True)  # sniffed; "" = not served
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    is_image = models.BooleanField(_("image"), default=False)  # passes the ticket photo checks
    refused = models.CharField(_("why not offered"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("mail attachment")
        verbose_name_plural = _("mail attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class MailboxState(models.Model):
    """One row per polled mailbox: the lease that keeps two workers from reading it at once,
    and the last poll's outcome, shown on the inbox page."""

    key = models.CharField(max_length=255, unique=True)  # user@host:port/folder
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    last_poll_at = models.DateTimeField(null=True, blank=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_fetched = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return self.key
