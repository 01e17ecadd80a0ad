"""The inbound mailbox tests talk to a real IMAP server (Dovecot, tests/mailin/dovecot.sh),
each in a folder of its own, and put mail there the way a mail server does: IMAP APPEND."""

import base64
import io
import socket
import uuid

import pytest
from imapclient import IMAPClient
from PIL import Image

from accounts.roles import Role
from masterdata.models import Contact
from tests.conftest import IMAP_TEST_PORT
from tests.factories import CustomerFactory

USER, PASSWORD = "kst", "kst-test-password"


class Mailbox:
    """A fresh folder on the test server, and the poller's settings pointing at it."""

    def __init__(self, settings):
        self.folder = f"test-{uuid.uuid4().hex[:12]}"
        self.client = IMAPClient("127.0.0.1", port=IMAP_TEST_PORT, ssl=False, timeout=10)
        self.client.login(USER, PASSWORD)
        self.client.create_folder(self.folder)
        settings.MAILIN_IMAP_HOST = "127.0.0.1"
        settings.MAILIN_IMAP_PORT = IMAP_TEST_PORT
        settings.MAILIN_IMAP_SSL = False
        settings.MAILIN_IMAP_STARTTLS = False
        settings.MAILIN_IMAP_USER = USER
        settings.MAILIN_IMAP_PASSWORD = PASSWORD
        settings.MAILIN_IMAP_FOLDER = self.folder
        settings.MAILIN_IMAP_DONE_FOLDER = ""
        settings.MAILIN_IMAP_TIMEOUT = 5
        settings.MAILIN_ADDRESS = "kefu@kesutong.example"
        settings.DEFAULT_FROM_EMAIL = "客诉通 <noreply@kesutong.example>"

    def append(self, raw: bytes) -> None:
        self.client.append(self.folder, raw)

    def unseen(self, folder: str | None = None) -> list[int]:
        self.client.select_folder(folder or self.folder, readonly=True)
        try:
            return self.client.search(["UNSEEN"])
        finally:
            self.client.unselect_folder()

    def count(self, folder: str | None = None) -> int:
        return self.client.folder_status(folder or self.folder, [b"MESSAGES"])[b"MESSAGES"]

    def close(self) -> None:
        for name in (self.folder, f"{self.folder}-done"):
            if self.client.folder_exists(name):
                self.client.delete_folder(name)
        self.client.logout()


@pytest.fixture
def mailbox(settings):
    box = Mailbox(settings)
    yield box
    box.close()


@pytest.fixture
def sales(make_user):
    return make_user(Role.SALES, username="sales-li", full_name="李业务", email="li@kesutong.example")


@pytest.fixture
def sales_manager(make_user):
    return make_user(
        Role.SALES_MANAGER, username="sales-boss", full_name="赵经理", email="zhao@kesutong.example"
    )


@pytest.fixture
def contact(sales):
    customer = CustomerFactory(name="长庆油田物资公司", salesperson=sales)
    return Contact.objects.create(
        customer=customer, name="王工", email="wang@cq-oil.example", phone="13800000000"
    )


def png_bytes(size=(320, 240)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "red").save(buf, "PNG")
    return buf.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def word(text: str, charset: str = "gb2312") -> str:
    """An RFC 2047 encoded word the way Chinese mailers write it (GBK bytes, whatever the label)."""
    return f"=?{charset}?B?{base64.b64encode(text.encode('gb18030')).decode()}?="


def mail(
    *,
    sender: str = "王工 <wang@cq-oil.example>",
    subject: str = "套管接箍渗漏",
    body: str = "你们的套管螺纹又漏了。",
    message_id: str | None = None,
    headers: dict | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
) -> bytes:
    """A UTF-8 mail (headers raw, the way tests read best), optionally multipart."""
    message_id = message_id or f"<{uuid.uuid4().hex}@cq-oil.example>"
    head = [
        f"From: {sender}",
        "To: kefu@kesutong.example",
        f"Subject: {subject}",
        "Date: Wed, 02 Dec 2026 09:30:00 +0800",
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
    ]
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if not attachments:
        head.append("Content-Type: text/plain; charset=utf-8")
        head.append("Content-Transfer-Encoding: base64")
        return ("\r\n".join(head) + "\r\n\r\n").encode() + b64(body.encode())
    boundary = "b-" + uuid.uuid4().hex
    head.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
    parts = [
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + b64(body.encode())
    ]
    for name, ctype, data in attachments:
        parts.append(
            f'Content-Type: {ctype}; name="{name}"\r\nContent-Disposition: attachment; filename="{name}"\r\n'
            f"Content-Transfer-Encoding: base64\r\n\r\n".encode()
            + b64(data)
        )
    out = ("\r\n".join(head) + "\r\n\r\n").encode()
    for part in parts:
        out += f"--{boundary}\r\n".encode() + part + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


@pytest.fixture
def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
