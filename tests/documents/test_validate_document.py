"""validate_document: the type comes from the bytes, never the name; sizes from settings."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image

from documents.validation import OLE_MAGIC, validate_document

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(out, "PNG")
    return out.getvalue()


def _docx(extra: dict | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def _xlsx() -> bytes:
    out = io.BytesIO()
    wb = Workbook()
    wb.active["A1"] = "判决书附件"
    wb.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "file.bin") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    ("data", "name", "ext"),
    [
        (PDF, "判决书.pdf", "pdf"),
        (_png(), "receipt.PNG", "png"),
        (_docx(), "赔偿协议.docx", "docx"),
        (_xlsx(), "发票清单.xlsx", "xlsx"),
        (PDF, "named-wrongly.docx", "pdf"),  # the bytes decide, and the name follows them
    ],
)
def test_accepted_types_are_sniffed_from_the_bytes(data, name, ext):
    sniffed = validate_document(upload(data, name))
    assert sniffed.extension == ext and sniffed.name.endswith("." + ext)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "evil.pdf"),  # a Windows program named .pdf
        (b"<html><script>alert(1)</script></html>", "page.pdf"),
        (b"just text", "notes.txt"),
        (_docx({"word/vbaProject.bin": b"macro"}), "macro.docx"),
        (OLE_MAGIC + b"\x00" * 600, "broken.doc"),
        (b"PK\x03\x04garbage", "broken.xlsx"),
        (b"", "empty.pdf"),
    ],
)
def test_other_files_are_refused_with_a_reason(data, name):
    with pytest.raises(ValidationError) as info:
        validate_document(upload(data, name))
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.messages[0]) or info.value.messages


def test_size_limits_come_from_settings(settings):
    settings.DOCUMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="MB"):
        validate_document(upload(PDF, "big.pdf"))
    settings.DOCUMENT_MAX_BYTES = 10**7
    settings.DOCUMENT_MAX_UNPACKED_BYTES = 100
    with pytest.raises(ValidationError):  # unpacks to more than allowed: a zip bomb
        validate_document(upload(_docx({"word/media/x.bin": b"0" * 10000}), "bomb.docx"))


def test_download_names_are_safe():
    sniffed = validate_document(upload(PDF, "../../etc/\u202ereport\x07.pdf.exe"))
    assert sniffed.name == "report.pdf" and "/" not in sniffed.name
