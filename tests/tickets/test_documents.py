"""Documents beside photos (issue 17, point 7): the signed disposition form, test reports and
judgments filed on a complaint — type sniffed from the bytes, size limited, a safe download
name, a timeline entry, and only for people who may see the complaint."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Attachment, Document

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _file(data: bytes = PDF, name: str = "处置单（签字）.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_a_signed_form_is_filed_on_the_ticket_and_downloaded_by_its_safe_name(client, people, new_ticket):
    ticket = new_ticket()
    client.force_login(people.lead)
    url = reverse("documents:attach", args=["ticket", ticket.pk])
    r = client.post(url, {"kind": "signed_form", "file": _file()})
    assert r.status_code == 302 and r["Location"].endswith("#documents")
    attachment = Attachment.objects.get()
    assert attachment.source == ticket and attachment.document.extension == "pdf"
    assert ticket.events.filter(kind="attachment", text="处置单（签字）.pdf").exists()

    client.force_login(people.finance)  # any role that sees complaints
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "处置单（签字）.pdf" in page and 'id="documents"' in page
    got = client.get(reverse("documents:download", args=[attachment.document.uid]))
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert "attachment;" in got["Content-Disposition"] and got["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "data, name, kind",
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "report.pdf", "test_report"),  # a program named .pdf
        (b"<html><script>alert(1)</script></html>", "page.pdf", "test_report"),
        (PDF, "ok.pdf", ""),  # no kind chosen
    ],
)
def test_a_bad_file_or_missing_kind_is_refused_and_nothing_is_kept(
    client, people, new_ticket, data, name, kind
):
    ticket = new_ticket()
    client.force_login(people.sales)
    r = client.post(
        reverse("documents:attach", args=["ticket", ticket.pk]), {"kind": kind, "file": _file(data, name)}
    )
    assert r.status_code == 400 and "error-summary" in r.content.decode()
    assert not Document.objects.exists() and not Attachment.objects.exists()
    assert not ticket.events.filter(kind="attachment").exists()


def test_too_big_a_file_is_refused_by_the_setting(client, people, new_ticket, settings):
    settings.DOCUMENT_MAX_BYTES = 20
    ticket = new_ticket()
    client.force_login(people.sales)
    r = client.post(
        reverse("documents:attach", args=["ticket", ticket.pk]), {"kind": "other", "file": _file()}
    )
    assert r.status_code == 400 and not Attachment.objects.exists()


def test_the_read_only_role_files_nothing_and_strangers_see_nothing(client, people, new_ticket):
    ticket = new_ticket()
    client.force_login(people.gm)
    r = client.post(
        reverse("documents:attach", args=["ticket", ticket.pk]), {"kind": "other", "file": _file()}
    )
    assert r.status_code in (400, 403) and not Attachment.objects.exists()
    client.force_login(people.sales)
    client.post(reverse("documents:attach", args=["ticket", ticket.pk]), {"kind": "other", "file": _file()})
    uid = Attachment.objects.get().document.uid
    client.logout()
    assert client.get(reverse("documents:download", args=[uid])).status_code == 302  # to the login page
    client.force_login(people.sales)
    assert client.post(reverse("documents:attach", args=["shipment", 1]), {}).status_code == 404


def test_the_api_files_and_lists_documents(client, people, new_ticket):
    ticket = new_ticket()
    client.force_login(people.qc)
    url = f"/api/tickets/{ticket.number}/documents/"
    r = client.post(url, {"kind": "test_report", "file": _file(name="检测报告.pdf")})
    assert r.status_code == 201, r.content
    assert r.json()["name"] == "检测报告.pdf" and r.json()["download"].startswith("/documents/")
    r = client.post(url, {"kind": "test_report", "file": _file(b"MZ" + b"\x00" * 100, "x.pdf")})
    assert r.status_code == 400 and "file" in r.json()["errors"]
    assert [d["kind"] for d in client.get(url).json()] == ["test_report"]
