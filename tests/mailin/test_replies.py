"""A reply to a ticket's notification (or a mail naming the ticket's number) goes on that
ticket's timeline, with its photos, when a known person wrote it."""

import pytest

from accounts.roles import Role
from mailin.models import InboundMessage
from mailin.poll import poll_mailbox
from masterdata.models import Contact
from notify.message_ids import message_id_for
from notify.models import Notification
from tests.factories import CustomerFactory, ShipmentFactory
from tests.tickets.factories import intake_data
from tickets.models import Event
from tickets.services import ticket_create

from .conftest import mail, png_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.imap]
Status = InboundMessage.Status
QUOTED = "\n\n------------------ 原始邮件 ------------------\n发件人: 客诉通\n主题: 新投诉\n请处理。"


@pytest.fixture
def pm(make_user):
    return make_user(
        Role.PROJECT_MANAGER, username="pm-zhou", full_name="周项目", email="zhou@kesutong.example"
    )


@pytest.fixture
def ticket(contact, sales, pm):
    shipment = ShipmentFactory(customer=contact.customer)
    return ticket_create(by=sales, **intake_data(shipment))


def notification_to(user) -> Notification:
    return Notification.objects.filter(recipient=user, event="ticket.received").get()


def test_a_contacts_reply_to_a_notification_goes_on_the_timeline(mailbox, ticket, pm, sales):
    # The project manager forwarded the notification to the customer; the customer answers it.
    ref = message_id_for(notification_to(pm).pk)
    mailbox.append(
        mail(
            subject="Re: 新投诉",
            body="第3根也漏了，照片见附件。" + QUOTED,
            headers={"In-Reply-To": ref, "References": f"<older@x> {ref}"},
            attachments=[("现场.png", "image/png", png_bytes())],
        )
    )
    poll_mailbox()
    m = InboundMessage.objects.get()
    assert (m.status, m.ticket, m.customer) == (Status.REPLY_LOGGED, ticket, ticket.customer)
    event = ticket.events.get(kind=Event.Kind.EMAIL_REPLY)
    assert "王工" in event.text and "第3根也漏了，照片见附件。" in event.text
    assert "原始邮件" not in event.text and "请处理" not in event.text
    assert "现场.png" in event.text
    assert event.actor.username == "_mailin" and not event.actor.is_active
    assert ticket.photos.get().original_name == "现场.png"
    told = Notification.objects.get(event="mailin.reply")
    assert told.recipient == sales and ticket.number in told.subject


def test_a_staff_reply_is_recorded_as_theirs(mailbox, ticket, pm):
    ref = message_id_for(notification_to(pm).pk)
    mailbox.append(
        mail(sender="周项目 <ZHOU@kesutong.example>", subject="Re: 新投诉", headers={"In-Reply-To": ref})
    )
    poll_mailbox()
    assert ticket.events.get(kind=Event.Kind.EMAIL_REPLY).actor == pm


def test_the_ticket_number_in_the_subject_is_enough(mailbox, ticket):
    mailbox.append(mail(subject=f"回复：[{ticket.number}] 处理进度？", body="什么时候到现场？"))
    poll_mailbox()
    assert InboundMessage.objects.get().status == Status.REPLY_LOGGED
    assert "什么时候到现场？" in ticket.events.get(kind=Event.Kind.EMAIL_REPLY).text


def test_a_stranger_naming_a_ticket_does_not_reach_its_timeline(mailbox, ticket, sales_manager):
    mailbox.append(mail(sender="someone@elsewhere.example", subject=f"Re: [{ticket.number}]"))
    other = Contact.objects.create(customer=CustomerFactory(), name="李四", email="li4@other.example")
    mailbox.append(mail(sender=other.email, subject=f"Re: [{ticket.number}]"))
    poll_mailbox()
    assert list(InboundMessage.objects.values_list("status", flat=True)) == [Status.UNMATCHED] * 2
    assert not ticket.events.filter(kind=Event.Kind.EMAIL_REPLY).exists()


def test_a_forged_reference_is_not_a_reply(mailbox, ticket, pm):
    ref = message_id_for(notification_to(pm).pk)
    forged = ref[:-30] + "0" * 16 + ref[-14:]
    mailbox.append(mail(subject="Re: 新投诉", headers={"In-Reply-To": forged}))
    poll_mailbox()
    assert InboundMessage.objects.get().status == Status.DRAFT  # a new mail from the contact
    assert not ticket.events.filter(kind=Event.Kind.EMAIL_REPLY).exists()


def test_an_auto_reply_to_our_notification_creates_nothing(mailbox, ticket, pm):
    ref = message_id_for(notification_to(pm).pk)
    mailbox.append(
        mail(subject="自动回复: 新投诉", headers={"In-Reply-To": ref, "Auto-Submitted": "auto-replied"})
    )
    poll_mailbox()
    assert InboundMessage.objects.get().status == Status.IGNORED
    assert not ticket.events.filter(kind=Event.Kind.EMAIL_REPLY).exists()


def test_a_reply_whose_sender_failed_dmarc_does_not_reach_the_ticket(mailbox, ticket, sales_manager):
    results = "mx.kesutong.example; spf=pass smtp.mailfrom=x.example; dmarc=fail header.from=cq-oil.example"
    mailbox.append(mail(subject=f"Re: [{ticket.number}]", headers={"Authentication-Results": results}))
    poll_mailbox()
    m = InboundMessage.objects.get()
    assert m.status == Status.UNMATCHED and "DMARC" in m.detail
    assert not ticket.events.filter(kind=Event.Kind.EMAIL_REPLY).exists()
