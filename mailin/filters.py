"""Mail that must create nothing: automatic replies, bounces, bulk mail and our own mail
coming back (a loop). Each is recorded as ignored with its reason and what gave it away."""

from email.utils import parseaddr

from django.conf import settings

from notify.message_ids import PATTERN as OUR_MESSAGE_ID

from .models import InboundMessage
from .parsing import ParsedMail

Reason = InboundMessage.Reason

AUTO_REPLY_SUBJECTS = ("自动回复", "自動回覆", "auto-reply", "autoreply", "automatic reply", "out of office")
BOUNCE_SENDERS = ("mailer-daemon@", "postmaster@")


def own_addresses() -> set[str]:
    found = {parseaddr(settings.DEFAULT_FROM_EMAIL)[1], settings.MAILIN_ADDRESS, settings.SERVER_EMAIL}
    if "@" in settings.MAILIN_IMAP_USER:
        found.add(settings.MAILIN_IMAP_USER)
    return {a.strip().lower() for a in found if a and "@" in a}


def unwanted(mail: ParsedMail) -> tuple[str, str] | None:
    """(reason, what gave it away) for mail to ignore; None for mail a person wrote."""
    h = mail.headers
    if mail.from_address in own_addresses():
        return Reason.LOOP, f"From: {mail.from_address} is our own address"
    if OUR_MESSAGE_ID.fullmatch(mail.message_id.strip()) or "x-kst-notification" in h:
        return Reason.LOOP, f"Message-ID {mail.message_id} is one we sent"
    if mail.content_type == "multipart/report":
        return Reason.BOUNCE, "Content-Type: multipart/report"
    if mail.from_address.startswith(BOUNCE_SENDERS):
        return Reason.BOUNCE, f"From: {mail.from_address}"
    if mail.return_path is not None and mail.return_path.strip() in ("<>", ""):
        return Reason.BOUNCE, "Return-Path: <> (a delivery report)"
    auto = h.get("auto-submitted", "").strip().lower()
    if auto and not auto.startswith("no"):
        return Reason.AUTO_REPLY, f"Auto-Submitted: {auto}"
    for name in ("x-autoreply", "x-autorespond", "x-auto-reply"):
        if name in h:
            return Reason.AUTO_REPLY, f"{name}: {h[name]}"
    precedence = h.get("precedence", "").strip().lower()
    if precedence == "auto_reply":
        return Reason.AUTO_REPLY, "Precedence: auto_reply"
    if precedence in ("bulk", "junk", "list"):
        return Reason.BULK, f"Precedence: {precedence}"
    if "list-id" in h or "list-unsubscribe" in h:
        return Reason.BULK, "a mailing list's headers (List-Id / List-Unsubscribe)"
    subject = mail.subject.strip().lower()
    if subject.startswith(AUTO_REPLY_SUBJECTS):
        return Reason.AUTO_REPLY, f"Subject: {mail.subject[:100]}"
    return None
