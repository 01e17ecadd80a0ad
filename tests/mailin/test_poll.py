"""Mail put into a real IMAP server (Dovecot) and fetched by the beat task: what becomes of
each kind of message, and that nothing is created twice or lost."""

import pytest
from django.core import mail as outbox

from mailin.models import InboundMessage, MailboxState
from mailin.poll import MailboxConfig, poll_mailbox
from mailin.tasks import poll_mailbox as poll_task
from notify.message_ids import message_id_for, notification_ids_in
from notify.models import Notification
from notify.services import notify
from notify.tasks import send_one

from .conftest import PDF_BYTES, b64, mail, png_bytes, word

pytestmark = [pytest.mark.django_db, pytest.mark.imap]
Status = InboundMessage.Status


def gbk_mail(message_id="<gbk-1@cq-oil.example>") -> bytes:
    """What a Chinese mailer sends: the name and subject as gb2312 words holding GBK-only
    characters (镕), the body declared gb2312 and written in GBK, a photo and a PDF."""
    body = "王工反映：镕钢套管第3根接箍渗漏，井队已停工，请尽快处理。".encode("gbk")
    boundary = "gbk-boundary"
    return (
        (
            f"From: {word('王镕')} <wang@cq-oil.example>\r\n"
            f"Subject: {word('关于镕钢套管渗漏的投诉')}\r\n"
            f"Message-ID: {message_id}\r\n"
            "Date: Wed, 02 Dec 2026 09:30:00 +0800\r\n"
            "MIME-Version: 1.0\r\n"
            f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
            f"--{boundary}\r\n"
            "Content-Type: text/plain; charset=gb2312\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
        ).encode()
        + body
        + (
            f"\r\n--{boundary}\r\n"
            f'Content-Type: image/png; name="{word("现场照片.png")}"\r\n'
            "Content-Disposition: attachment\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode()
        + b64(png_bytes())
        + (
            f"--{boundary}\r\n"
            "Content-Type: application/pdf\r\n"
            "Content-Disposition: attachment; filename*=gb18030''%BC%EC%B2%E2%B1%A8%B8%E6.pdf\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode()
        + b64(PDF_BYTES)
        + f"--{boundary}--\r\n".encode()
    )


def test_a_chinese_mail_from_a_contact_becomes_a_draft_for_the_customers_salesperson(mailbox, contact, sales):
    mailbox.append(gbk_mail())
    result = poll_task()
    assert result == {"fetched": 1, "created": 1, "error": ""}
    m = InboundMessage.objects.get()
    assert m.status == Status.DRAFT
    assert m.subject == "关于镕钢套管渗漏的投诉"
    assert m.from_name == "王镕" and m.from_address == "wang@cq-oil.example"
    assert m.body == "王工反映：镕钢套管第3根接箍渗漏，井队已停工，请尽快处理。"
    assert (m.customer, m.contact, m.owner) == (contact.customer, contact, sales)
    photo, pdf = m.attachments.order_by("id")
    assert (photo.original_name, photo.is_image, photo.extension) == ("现场照片.png", True, "png")
    assert (pdf.original_name, pdf.is_image, pdf.extension) == ("检测报告.pdf", False, "pdf")
    assert pdf.file.read() == PDF_BYTES
    assert Notification.objects.get(recipient=sales).event == "mailin.draft"
    assert mailbox.unseen() == []  # marked read on the server


def test_raw_bytes_are_kept_as_they_came(mailbox, contact):
    raw = gbk_mail()
    mailbox.append(raw)
    poll_mailbox()
    assert InboundMessage.objects.get().raw.read() == raw


def test_the_same_message_id_twice_creates_nothing(mailbox, contact):
    mailbox.append(mail(message_id="<same@cq-oil.example>"))
    mailbox.append(mail(message_id="<same@cq-oil.example>", body="再发一次"))
    first = poll_mailbox()
    assert (first.fetched, first.created, first.duplicates) == (2, 1, 1)
    mailbox.append(mail(message_id="<same@cq-oil.example>"))
    assert poll_mailbox().created == 0
    assert InboundMessage.objects.count() == 1
    assert Notification.objects.filter(event="mailin.draft").count() == 1
    assert mailbox.unseen() == []


def test_a_mail_without_message_id_is_kept_once(mailbox, contact):
    raw = b"From: wang@cq-oil.example\r\nSubject: no id\r\n\r\nhello\r\n"
    mailbox.append(raw)
    mailbox.append(raw)
    poll_mailbox()
    assert InboundMessage.objects.get().message_id.startswith("sha256:")


@pytest.mark.parametrize(
    ("headers", "sender", "subject", "reason"),
    [
        ({"Auto-Submitted": "auto-replied"}, None, "Re: 套管", "auto_reply"),
        ({"X-Autoreply": "yes"}, None, "Re: 套管", "auto_reply"),
        ({}, None, "自动回复：我正在休假", "auto_reply"),
        ({"Precedence": "bulk"}, None, "产品目录", "bulk"),
        ({"List-Id": "<news.cq-oil.example>"}, None, "周报", "bulk"),
        ({}, "MAILER-DAEMON@mx.cq-oil.example", "Undelivered Mail Returned to Sender", "bounce"),
        ({"Return-Path": "<>"}, None, "Delivery Status Notification", "bounce"),
        ({}, "客诉通 <noreply@kesutong.example>", "[KS-2026-000001] 新投诉", "loop"),
        ({}, "kefu@kesutong.example", "转发", "loop"),
    ],
)
def test_machine_mail_and_our_own_mail_create_nothing(mailbox, contact, headers, sender, subject, reason):
    mailbox.append(mail(headers=headers, sender=sender or "王工 <wang@cq-oil.example>", subject=subject))
    poll_mailbox()
    m = InboundMessage.objects.get()
    assert (m.status, m.reason) == (Status.IGNORED, reason)
    assert m.detail  # what gave it away
    assert not Notification.objects.exists()
    assert mailbox.unseen() == []


def test_a_delivery_report_is_a_bounce(mailbox, contact):
    raw = (
        b"From: postmaster@cq-oil.example\r\nSubject: failure\r\nMessage-ID: <dsn-1@cq-oil.example>\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n'
        b"--r\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--r--\r\n"
    )
    mailbox.append(raw)
    poll_mailbox()
    assert InboundMessage.objects.get().reason == "bounce"


def test_a_malformed_mail_is_recorded_as_failed_with_the_reason_and_kept(mailbox, contact):
    mailbox.append(b"this is not an e-mail at all\r\n\xff\xfe garbage")
    mailbox.append(mail(sender="not an address", message_id="<bad-from@x.example>"))
    mailbox.append(mail())  # a good one after them is still handled
    result = poll_mailbox()
    assert result.fetched == 3 and not result.error
    failed = InboundMessage.objects.filter(status=Status.FAILED).order_by("id")
    assert [f.detail for f in failed] == [
        "no mail headers found",
        "no sender address in From: 'not an address'",
    ]
    assert failed[0].raw.read() == b"this is not an e-mail at all\r\n\xff\xfe garbage"
    assert InboundMessage.objects.filter(status=Status.DRAFT).count() == 1
    assert mailbox.unseen() == []


def test_an_html_only_mail_is_read_as_text(mailbox, contact):
    html = "<html><head><style>p{}</style></head><body><p>接箍&nbsp;渗漏</p><div>第二行<br>第三行</div>"
    raw = (
        b"From: wang@cq-oil.example\r\nSubject: html\r\nMessage-ID: <html-1@x>\r\n"
        b"Content-Type: text/html; charset=gbk\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    ) + b64(html.encode("gbk"))
    mailbox.append(raw)
    poll_mailbox()
    assert InboundMessage.objects.get().body == "接箍 渗漏\n\n第二行\n第三行"


def test_an_unknown_sender_waits_for_the_sales_manager(mailbox, contact, sales_manager):
    mailbox.append(mail(sender="陌生人 <someone@elsewhere.example>"))
    poll_mailbox()
    m = InboundMessage.objects.get()
    assert (m.status, m.customer, m.owner) == (Status.UNMATCHED, None, None)
    assert Notification.objects.get().recipient == sales_manager


def test_server_down_is_recorded_and_nothing_is_lost(mailbox, contact, settings, unused_port):
    mailbox.append(mail(message_id="<waiting@cq-oil.example>"))
    down = MailboxConfig(
        host="127.0.0.1",
        port=unused_port,
        user="kst",
        password="x",
        folder=mailbox.folder,
        ssl=False,
        timeout=2,
    )
    result = poll_mailbox(down)
    assert result.polled and result.error.startswith("ConnectionRefusedError")
    state = MailboxState.objects.get(key=down.key)
    assert "ConnectionRefusedError" in state.last_error and state.last_error_at and state.lease_until is None
    assert not InboundMessage.objects.exists()
    assert len(mailbox.unseen()) == 1  # still there, unread
    assert poll_mailbox().created == 1  # the server answers again: fetched


def test_a_wrong_password_is_recorded(mailbox, settings):
    settings.MAILIN_IMAP_PASSWORD = "wrong"
    result = poll_mailbox()
    assert "LoginError" in result.error or "authentication" in result.error.lower()
    assert MailboxState.objects.get().last_error


def test_a_mailbox_read_by_another_worker_is_left_alone(mailbox, contact):
    mailbox.append(mail())
    config = MailboxConfig.from_settings()
    MailboxState.objects.create(key=config.key, lease_until="2999-01-01T00:00:00Z", lease_token="other")
    result = poll_mailbox()
    assert not result.polled and not InboundMessage.objects.exists()
    assert len(mailbox.unseen()) == 1


def test_handled_mail_moves_to_the_done_folder(mailbox, contact, settings):
    settings.MAILIN_IMAP_DONE_FOLDER = f"{mailbox.folder}-done"
    mailbox.append(mail())
    poll_mailbox()
    assert mailbox.count() == 0 and mailbox.count(settings.MAILIN_IMAP_DONE_FOLDER) == 1


def test_a_mail_too_large_keeps_its_headers_and_stays_on_the_server(mailbox, contact, settings):
    settings.MAILIN_MAX_BYTES = 500
    mailbox.append(mail(subject="大附件", attachments=[("big.pdf", "application/pdf", PDF_BYTES * 40)]))
    poll_mailbox()
    m = InboundMessage.objects.get()
    assert m.status == Status.FAILED and "too large" in m.detail
    assert b"Subject:" in m.raw.read()
    assert mailbox.count() == 1


def test_polling_is_off_without_a_host(settings):
    settings.MAILIN_IMAP_HOST = ""
    assert poll_task() == {"fetched": 0, "created": 0, "error": ""}


def test_the_outbox_mail_carries_a_message_id_we_recognise(mailbox, sales):
    row = notify(
        event_key="t:1",
        event="test",
        recipients=[sales],
        template="mailin/email/unmatched",
        context={"message": InboundMessage(subject="s", from_address="a@b.c")},
    )[0]
    assert send_one(row.pk)
    sent = outbox.outbox[-1].message()
    assert sent["Message-ID"] == message_id_for(row.pk)
    assert sent["Auto-Submitted"] == "auto-generated"
    assert sent["Reply-To"] == "kefu@kesutong.example"
    assert notification_ids_in(f"<x@y> {sent['Message-ID']}") == [row.pk]
    forged = sent["Message-ID"].replace(sent["Message-ID"][-30:-20], "0" * 10)
    assert notification_ids_in(forged) == []
