"""Write actions of the inbox: taking a fetched mail in (`mail_ingest`), and what people do
with it (`mail_confirm`, `mail_discard`, `mail_assign`). A draft becomes a ticket only through
tickets.services.ticket_create, and a reply reaches a ticket only through
tickets.timeline.record_event: the same paths as the pages and the API."""

from __future__ import annotations

import hashlib
import logging
import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from accounts.models import User
from accounts.permissions import can
from accounts.roles import Role
from accounts.selectors import users_with_roles
from apperrors.exceptions import Conflict, Forbidden, Invalid
from documents.validation import validate_document
from masterdata.models import Contact, Customer
from notify.message_ids import notification_ids_in
from notify.models import Notification
from notify.services import notify
from security.limits import TEXT_MAX
from tickets import models as tm
from tickets.models import Channel, Ticket
from tickets.photos import name_for_display, photo_save, validate_photo
from tickets.services import ticket_create
from tickets.timeline import people_for, record_event

from .filters import unwanted
from .models import InboundAttachment, InboundMessage
from .parsing import MalformedMail, ParsedMail, message_key, parse, raw_message_id, strip_quoted

log = logging.getLogger(__name__)
Status = InboundMessage.Status
TICKET_NUMBER = re.compile(r"KS-\d{4}-\d{6}")
PHOTO_MIN_SIDE = 120  # pixels: smaller images in a mail are logos and signatures
MAILBOX_USERNAME = "_mailin"  # "_" first: no import or person is given such a name


def mailbox_user() -> User:
    """The account timeline entries from customers' mail are written by: it cannot sign in
    and holds no role; the entry's text names the person who wrote."""
    user, _created = User.objects.get_or_create(
        username=MAILBOX_USERNAME,
        defaults={"full_name": _("Inbound e-mail"), "is_active": False},
    )
    return user


# --- taking mail in ---------------------------------------------------------------------


def mail_ingest(
    *, raw: bytes, mailbox: str = "", imap_uid: int | None = None, refuse: str = ""
) -> tuple[InboundMessage, bool]:
    """Keep a fetched mail and act on it. Returns (row, created): the same Message-ID a second
    time creates nothing and returns the row already kept. The raw bytes are saved before
    anything is read from them, so a mail that cannot be read is still kept (failed).
    `refuse`: keep the mail as failed with this reason, without acting on it."""
    try:
        message_id = raw_message_id(raw)
    except Exception:  # noqa: BLE001 - unreadable headers: the hash of the bytes is the key
        message_id = ""
    key = message_key(raw, message_id)
    existing = InboundMessage.objects.filter(message_id=key).first()
    if existing is not None:
        if existing.status == Status.NEW:  # kept, but the worker stopped before acting on it
            mail_process(existing)
        return existing, False
    row = InboundMessage(message_id=key, mailbox=mailbox[:255], imap_uid=imap_uid, raw_size=len(raw))
    row.raw.save("message.eml", ContentFile(raw), save=False)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # another worker kept the same mail a moment ago
        row.raw.delete(save=False)
        return InboundMessage.objects.get(message_id=key), False
    if refuse:
        _fail(row, refuse)
        row.refresh_from_db()
        return row, True
    mail_process(row)
    return row, True


def mail_process(row: InboundMessage) -> InboundMessage:
    """Read a kept mail and act on it in one transaction; a mail that cannot be read, or whose
    handling fails, is marked failed with the reason (its raw bytes stay)."""
    with row.raw.open("rb") as f:
        raw = f.read()
    try:
        with transaction.atomic():
            _act(InboundMessage.objects.select_for_update().get(pk=row.pk), raw)
    except MalformedMail as exc:
        _fail(row, str(exc))
    except Exception as exc:  # one bad mail must not stop the mailbox
        log.exception("inbound mail %s (%s) could not be handled", row.pk, row.message_id)
        _fail(row, f"{exc.__class__.__name__}: {exc}")
    row.refresh_from_db()
    return row


def _fail(row: InboundMessage, error: str) -> None:
    log.error("inbound mail %s (%s) failed: %s", row.pk, row.message_id, error)
    InboundMessage.objects.filter(pk=row.pk).update(status=Status.FAILED, detail=error[:TEXT_MAX])


def _act(row: InboundMessage, raw: bytes) -> None:
    mail = parse(raw)
    row.from_address, row.from_name = mail.from_address, mail.from_name
    row.subject, row.body, row.sent_at = mail.subject, mail.body, mail.sent_at
    row.in_reply_to = " ".join(filter(None, [mail.in_reply_to, mail.references]))[:TEXT_MAX]
    if mail.defects:
        row.detail = "defects: " + ", ".join(sorted(set(mail.defects)))
    ignored = unwanted(mail)
    if ignored:
        row.status, row.reason = Status.IGNORED, ignored[0]
        row.detail = "\n".join(filter(None, [ignored[1], row.detail]))
        row.save()
        log.info("inbound mail %s ignored: %s", row.pk, ignored[1])
        return
    _store_attachments(row, mail)
    row.sender_user = User.objects.filter(email__iexact=mail.from_address, is_active=True).first()
    contacts = list(Contact.objects.filter(email__iexact=mail.from_address).select_related("customer"))
    ticket = _ticket_replied_to(mail)
    if ticket is not None and not _sender_authenticated(mail):
        row.detail = "\n".join(filter(None, [f"about {ticket.number}; {_AUTH_FAILED}", row.detail]))
        row.sender_user, contacts = None, []  # a forged From reaches no ticket and no customer
    if ticket is not None:
        contact = next((c for c in contacts if c.customer_id == ticket.customer_id), None)
        row.ticket = ticket
        if row.sender_user is not None or contact is not None:
            _log_reply(row, mail, ticket, contact)
            return
        row.detail = "\n".join(filter(None, [f"about {ticket.number}; the sender is not known", row.detail]))
    customers = {c.customer_id: c for c in contacts}
    if len(customers) == 1 and row.ticket is None:
        contact = contacts[0]
        row.contact, row.customer = contact, contact.customer
        row.owner = _active(contact.customer.salesperson)
        row.status = Status.DRAFT
    else:
        if len(customers) > 1:
            row.detail = "\n".join(filter(None, ["the address belongs to several customers", row.detail]))
        row.status = Status.UNMATCHED
    row.save()
    _announce(row)


_AUTH_FAILED = "the receiving server says the sender's address failed its check (SPF/DKIM/DMARC)"
AUTH_FAIL = re.compile(r"\b(dmarc|spf|dkim)=(fail|softfail)\b", re.IGNORECASE)


def _sender_authenticated(mail: ParsedMail) -> bool:
    """False when our own mail server recorded that the From address failed SPF, DKIM or DMARC
    (Authentication-Results, RFC 8601): such a mail must not write on a ticket as that person.
    Without the header (a server that does not check) the address is taken as it is."""
    return not AUTH_FAIL.search(mail.headers.get("authentication-results", ""))


def _active(user: User | None) -> User | None:
    return user if user is not None and user.is_active else None


def _store_attachments(row: InboundMessage, mail: ParsedMail) -> None:
    for item in mail.attachments:
        attachment = InboundAttachment(
            message=row,
            original_name=name_for_display(item.name)[:200] or "attachment",
            declared_type=item.content_type[:100],
            size=len(item.data),
            sha256=hashlib.sha256(item.data).hexdigest(),
        )
        upload = SimpleUploadedFile(item.name[:200] or "attachment", item.data)
        try:
            sniffed = validate_document(upload)
        except ValidationError as exc:
            attachment.refused = exc.messages[0][:255]
        else:
            attachment.extension, attachment.content_type = sniffed.extension, sniffed.content_type
            attachment.original_name = sniffed.name
        attachment.is_image = _is_photo(item.data)
        attachment.file.save("attachment", ContentFile(item.data), save=False)
        attachment.save()


def _is_photo(data: bytes) -> bool:
    """An image the ticket photo checks accept, big enough to show something: the small
    images of signatures and logos stay attachments, not photos of the defect."""
    try:
        upload = validate_photo(SimpleUploadedFile("photo", data))
        with Image.open(upload) as img:
            return min(img.size) >= PHOTO_MIN_SIDE
    except (ValidationError, OSError):
        return False


def _ticket_replied_to(mail: ParsedMail) -> Ticket | None:
    """The ticket a mail answers: the one our notification (In-Reply-To / References) was
    about, else a ticket number in the subject ("Re: [KS-2026-000012] …")."""
    ids = notification_ids_in(f"{mail.in_reply_to} {mail.references}")
    for notification in Notification.objects.filter(pk__in=ids):
        found = TICKET_NUMBER.search(f"{notification.subject} {notification.link}")
        if found and (ticket := Ticket.objects.filter(number=found.group()).first()):
            return ticket
    found = TICKET_NUMBER.search(mail.subject)
    return Ticket.objects.filter(number=found.group()).first() if found else None


def _log_reply(row: InboundMessage, mail: ParsedMail, ticket: Ticket, contact: Contact | None) -> None:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    actor = row.sender_user or mailbox_user()
    if row.sender_user is not None:
        who = row.sender_user.display_name
    else:
        who = _("%(name)s (contact of %(customer)s)") % {
            "name": contact.name,
            "customer": contact.customer.name,
        }
    text = _("E-mail from %(who)s <%(address)s>: %(subject)s") % {
        "who": who,
        "address": mail.from_address,
        "subject": mail.subject,
    }
    text = f"{text}\n\n{strip_quoted(mail.body)}"
    names = [a.original_name for a in row.attachments.all()]
    footer = "\n\n" + _("Attachments: %(names)s") % {"names": ", ".join(names)} if names else ""
    text = text[: TEXT_MAX - len(footer)] + footer
    record_event(ticket, kind=tm.Event.Kind.EMAIL_REPLY, by=actor, text=text)
    for attachment in row.attachments.filter(is_image=True):
        with attachment.file.open("rb") as f:
            upload = validate_photo(SimpleUploadedFile(attachment.original_name, f.read()))
        photo_save(ticket, upload, actor)
    row.contact = contact
    row.customer = ticket.customer
    row.status = Status.REPLY_LOGGED
    row.handled_at = timezone.now()
    row.save()
    recipients = [p for p in people_for(["lead", "creator"], ticket) if p.pk != actor.pk]
    notify(
        event_key=f"mailin:{row.pk}:reply",
        event="mailin.reply",
        recipients=recipients,
        template="mailin/email/reply",
        context={"message": row, "ticket": ticket, "who": who},
        link=ticket.get_absolute_url(),
        number=ticket.number,
    )


def _announce(row: InboundMessage) -> None:
    """The salesperson hears of a draft; the sales managers of mail nobody owns."""
    recipients = [row.owner] if row.owner else list(users_with_roles(Role.SALES_MANAGER))
    notify(
        event_key=f"mailin:{row.pk}:{row.status}",
        event=f"mailin.{row.status}",
        recipients=recipients,
        template=f"mailin/email/{row.status}",
        context={"message": row},
        link=row.get_absolute_url(),
    )


# --- what people do with it ----------------------------------------------------------------


def _locked(message: InboundMessage) -> InboundMessage:
    return InboundMessage.objects.select_for_update().get(pk=message.pk)


@transaction.atomic
def mail_confirm(*, message: InboundMessage, by: User, photos=(), **ticket_fields) -> Ticket:
    """The salesperson confirms a draft: the intake form's fields go to ticket_create (with
    the mail's images as the complaint's photos); the mail records the ticket. The same form
    sent twice (same intake token) returns the ticket already made."""
    message = _locked(message)
    if not can(by, "mailin.handle", message):
        raise Forbidden()
    token = ticket_fields.get("intake_token")
    if (
        message.status == Status.CONFIRMED
        and token
        and message.ticket
        and message.ticket.intake_token == token
    ):
        return message.ticket  # the same form sent twice
    if message.status != Status.DRAFT:
        raise Conflict(_("This e-mail has already been handled."))
    ticket_fields.setdefault("channel", Channel.EMAIL)
    images = []
    for attachment in message.attachments.filter(is_image=True):
        with attachment.file.open("rb") as f:
            images.append(SimpleUploadedFile(attachment.original_name, f.read()))
    ticket = ticket_create(by=by, photos=[*photos, *images], **ticket_fields)
    message.status, message.ticket = Status.CONFIRMED, ticket
    message.handled_by, message.handled_at = by, timezone.now()
    message.save()
    return ticket


@transaction.atomic
def mail_discard(*, message: InboundMessage, by: User, reason: str) -> InboundMessage:
    """Not a complaint (or not ours): set aside with the reason; the mail stays on record."""
    message = _locked(message)
    if not can(by, "mailin.handle", message):
        raise Forbidden()
    if not message.is_open:
        raise Conflict(_("This e-mail has already been handled."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why the e-mail is discarded."), field="reason")
    if len(reason) > TEXT_MAX:
        raise Invalid(_("At most %(n)s characters.") % {"n": TEXT_MAX}, field="reason")
    message.status, message.discard_reason = Status.DISCARDED, reason
    message.handled_by, message.handled_at = by, timezone.now()
    message.save()
    return message


@transaction.atomic
def mail_assign(*, message: InboundMessage, by: User, customer: Customer) -> InboundMessage:
    """A sales manager says which customer an unrecognised sender writes for: the mail becomes
    a draft for that customer's salesperson (or stays with the sales managers)."""
    if not can(by, "mailin.assign"):
        raise Forbidden()
    message = _locked(message)
    if message.status != Status.UNMATCHED:
        raise Conflict(_("This e-mail has already been handled."))
    message.customer = customer
    message.contact = customer.contacts.filter(email__iexact=message.from_address).first()
    message.owner = _active(customer.salesperson)
    message.status = Status.DRAFT
    message.save()
    if message.owner is not None and message.owner != by:
        _announce(message)
    return message
