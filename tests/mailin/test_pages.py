"""The inbox pages: the salesperson confirms a draft through the intake form or discards it,
the sales manager matches an unknown sender to a customer. Mail comes in through the same
service the poller uses (mail_ingest)."""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from mailin.models import InboundMessage, MailboxState
from mailin.services import mail_ingest
from notify.models import Notification
from tests.factories import CustomerFactory, ShipmentFactory
from tests.tickets.test_pages import post_data
from tickets.models import Ticket

from .conftest import PDF_BYTES, mail, png_bytes

pytestmark = pytest.mark.django_db
Status = InboundMessage.Status


@pytest.fixture
def draft(contact):
    raw = mail(
        subject="套管接箍渗漏",
        body="第三根套管接箍渗漏，井队停工。",
        attachments=[
            ("现场.png", "image/png", png_bytes()),
            ("logo.png", "image/png", png_bytes((90, 30))),  # a signature's logo: not a photo
            ("报告.pdf", "application/pdf", PDF_BYTES),
            ("run.exe", "application/octet-stream", b"MZ\x90\x00"),
        ],
    )
    return mail_ingest(raw=raw)[0]


@pytest.fixture
def other_sales(make_user):
    return make_user(Role.SALES, username="sales-other")


def test_the_salesperson_sees_the_draft_and_another_does_not(client, draft, sales, other_sales):
    client.force_login(sales)
    body = client.get(reverse("mailin:list")).content.decode()
    assert "套管接箍渗漏" in body and draft.get_absolute_url() in body
    detail = client.get(draft.get_absolute_url()).content.decode()
    assert "第三根套管接箍渗漏，井队停工。" in detail and "登记为客诉" in detail
    client.force_login(other_sales)
    assert "套管接箍渗漏" not in client.get(reverse("mailin:list")).content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("mailin:confirm", args=[draft.pk])).status_code == 404


def test_finance_has_no_inbox(client, make_user, draft):
    client.force_login(make_user(Role.FINANCE))
    assert client.get(reverse("mailin:list")).status_code == 403


def test_confirming_goes_through_the_intake_form_filled_in_from_the_mail(client, draft, sales, contact):
    client.force_login(sales)
    page = client.get(reverse("mailin:confirm", args=[draft.pk])).content.decode()
    assert 'id="intake-form"' in page and 'id="from-mail"' in page
    assert re.search(r'<textarea[^>]*id="id_customer_words"[^>]*>\s*第三根套管接箍渗漏，井队停工。', page)
    assert f'<option value="{contact.customer.pk}" selected>' in page
    data = post_data(ShipmentFactory(customer=contact.customer), channel="email")
    first = client.post(reverse("mailin:confirm", args=[draft.pk]), data)
    second = client.post(reverse("mailin:confirm", args=[draft.pk]), data)  # sent twice
    ticket = Ticket.objects.get()
    assert first.url == second.url == ticket.get_absolute_url()
    assert ticket.channel == "email" and ticket.created_by == sales
    assert [p.original_name for p in ticket.photos.all()] == ["现场.png"]
    draft.refresh_from_db()
    assert (draft.status, draft.ticket, draft.handled_by) == (Status.CONFIRMED, ticket, sales)
    # The ticket's page lists the mail with its attachments.
    ticket_page = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="ticket-mail"' in ticket_page and "报告.pdf" in ticket_page


def test_the_people_of_the_ticket_download_its_mails_attachments(client, draft, sales, contact, make_user):
    pdf = reverse("mailin:attachment", args=[draft.attachments.get(extension="pdf").uid])
    client.force_login(make_user(Role.SERVICE_LEAD))
    assert client.get(pdf).status_code == 404  # a draft is the salesperson's
    client.force_login(sales)
    data = post_data(ShipmentFactory(customer=contact.customer))
    client.post(reverse("mailin:confirm", args=[draft.pk]), data)
    client.force_login(make_user(Role.SERVICE_LEAD))
    assert client.get(pdf).status_code == 200  # now it is the ticket's


def test_a_confirm_form_with_errors_keeps_the_draft(client, draft, sales, contact):
    client.force_login(sales)
    data = post_data(ShipmentFactory(customer=contact.customer))
    del data["customer_words"]
    response = client.post(reverse("mailin:confirm", args=[draft.pk]), data)
    assert response.status_code == 200 and "该字段是必填项" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and not Ticket.objects.exists()


def test_discarding_needs_a_reason(client, draft, sales):
    client.force_login(sales)
    url = reverse("mailin:discard", args=[draft.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "询价，不是投诉"}).status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.discard_reason) == (Status.DISCARDED, "询价，不是投诉")
    again = client.post(url, {"reason": "再来一次"}, follow=True)
    assert "这封邮件已处理" in again.content.decode()


def test_attachments_download_only_for_types_we_serve(client, draft, sales):
    client.force_login(sales)
    _png, _logo, pdf, exe = draft.attachments.order_by("id")
    response = client.get(reverse("mailin:attachment", args=[pdf.uid]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert exe.extension == "" and exe.refused
    assert client.get(reverse("mailin:attachment", args=[exe.uid])).status_code == 404


def test_the_sales_manager_matches_an_unknown_sender_to_a_customer(client, sales_manager, sales):
    row = mail_ingest(raw=mail(sender="new-buyer@elsewhere.example"))[0]
    assert row.status == Status.UNMATCHED
    customer = CustomerFactory(salesperson=sales)
    client.force_login(sales)
    assert client.post(reverse("mailin:assign", args=[row.pk]), {"customer": customer.pk}).status_code == 403
    client.force_login(sales_manager)
    client.post(reverse("mailin:assign", args=[row.pk]), {"customer": customer.pk})
    row.refresh_from_db()
    assert (row.status, row.customer, row.owner) == (Status.DRAFT, customer, sales)
    assert Notification.objects.filter(recipient=sales, event="mailin.draft").exists()


def test_ignored_and_failed_mail_is_for_the_sales_manager(client, contact, sales, sales_manager):
    mail_ingest(raw=mail(headers={"Auto-Submitted": "auto-replied"}, subject="自动回复"))
    failed = mail_ingest(raw=b"garbage")[0]
    MailboxState.objects.create(key="kst@imap:993/INBOX", last_error="ConnectionRefusedError: [Errno 111]")
    client.force_login(sales)
    assert "自动回复" not in client.get(reverse("mailin:list") + "?tab=ignored").content.decode()
    assert client.get(reverse("mailin:raw", args=[failed.pk])).status_code == 403
    client.force_login(sales_manager)
    assert "自动回复" in client.get(reverse("mailin:list") + "?tab=ignored").content.decode()
    page = client.get(reverse("mailin:list") + "?tab=failed").content.decode()
    assert 'id="mailbox-error"' in page and "ConnectionRefusedError" in page
    detail = client.get(failed.get_absolute_url()).content.decode()
    assert "no mail headers found" in detail
    raw = client.get(reverse("mailin:raw", args=[failed.pk]))
    assert b"".join(raw.streaming_content) == b"garbage"
