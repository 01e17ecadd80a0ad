"""`validate_document(upload)`: is this upload a document we keep? The type is sniffed from the
bytes (`filetype`), never taken from the name or the browser's content type, then checked for
structure: a PDF header, an image Pillow can read, an OOXML package with its parts (and no
zip bomb), a legacy OLE file with the streams of Word, Excel or PowerPoint (`olefile`).
Size limits come from settings. Reused wherever documents are attached."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
import olefile
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_NAME = 200
HEAD = 8192  # bytes read for sniffing

# sniffed extension -> (content type, kind of check)
ACCEPTED = {
    "pdf": ("application/pdf", "pdf"),
    "jpg": ("image/jpeg", "image"),
    "png": ("image/png", "image"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ooxml"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ooxml"),
    "doc": ("application/msword", "ole"),
    "xls": ("application/vnd.ms-excel", "ole"),
    "ppt": ("application/vnd.ms-powerpoint", "ole"),
}
OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
OLE_STREAMS = {"doc": ("WordDocument",), "xls": ("Workbook", "Book"), "ppt": ("PowerPoint Document",)}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Sniffed:
    extension: str
    content_type: str
    name: str  # a safe display / download name, ending in the sniffed extension


def max_bytes() -> int:
    return settings.DOCUMENT_MAX_BYTES


def safe_name(name: str, extension: str) -> str:
    """The uploader's name made safe to show and to send back: no path, no control or
    direction characters, bounded, ending in the extension the bytes really have."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C")
    stem = name.rsplit(".", 1)[0].strip(" .")
    if stem.lower().endswith("." + extension):  # "report.pdf.exe" -> "report.pdf"
        stem = stem[: -len(extension) - 1]
    stem = stem or "document"
    return f"{stem[: MAX_NAME - len(extension) - 1]}.{extension}"


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def _sniff(head: bytes) -> str | None:
    kind = filetype.guess(head)
    if kind is not None and kind.extension in ACCEPTED:
        return kind.extension
    if head.startswith(OLE_MAGIC):  # filetype's OLE checks are heuristics; olefile decides below
        return "ole"
    if kind is not None and kind.extension == "zip":  # an OOXML package whose parts come late
        return "ooxml"
    return None


def _check_ooxml(upload, extension: str) -> str:
    try:
        with zipfile.ZipFile(upload) as package:
            infos = package.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
    except (zipfile.BadZipFile, OSError, ValueError):
        _refuse(_("This file is damaged or not an Office document."), "damaged")
    if total > settings.DOCUMENT_MAX_UNPACKED_BYTES or len(infos) > 10000:
        _refuse(_("This Office file unpacks to too much data."), "zip_bomb")
    if "[Content_Types].xml" not in names:
        _refuse(_("This file is damaged or not an Office document."), "damaged")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        _refuse(_("Office files with macros are not accepted."), "macro")
    found = [ext for ext, prefix in OOXML_PARTS.items() if any(n.startswith(prefix) for n in names)]
    if (extension in OOXML_PARTS and extension not in found) or not found:
        _refuse(_("This file is damaged or not an Office document."), "damaged")
    return extension if extension in OOXML_PARTS else found[0]


def _check_ole(upload) -> str:
    try:
        ole = olefile.OleFileIO(upload)
    except (OSError, ValueError):
        _refuse(_("This file is damaged or not an Office document."), "damaged")
    try:
        for ext, streams in OLE_STREAMS.items():
            if any(ole.exists(s) for s in streams):
                if ole.exists("Macros") or ole.exists("_VBA_PROJECT_CUR"):
                    _refuse(_("Office files with macros are not accepted."), "macro")
                return ext
    finally:
        ole.close()
    _refuse(_("This file type is not accepted."), "bad_type")


def validate_document(upload) -> Sniffed:
    """Accept a PDF, JPEG/PNG image or Word/Excel/PowerPoint file (OOXML or legacy), or raise a
    ValidationError whose message (Chinese) says why. The upload is left at position 0."""
    name = getattr(upload, "name", "") or ""
    if "\x00" in name or len(name) > 1000:
        _refuse(_("The file name is not allowed."), "bad_name")
    size = upload.size
    if not size:
        _refuse(_("The file is empty."), "empty")
    if size > max_bytes():
        _refuse(
            _("The file is too large: at most %(mb)s MB.") % {"mb": round(max_bytes() / 1048576, 1)},
            "too_large",
        )
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(0)
    extension = _sniff(head)
    if extension is None:
        _refuse(
            _("This file type is not accepted: PDF, JPEG, PNG, Word, Excel or PowerPoint only."), "bad_type"
        )
    check = ACCEPTED[extension][1] if extension in ACCEPTED else extension
    if check == "pdf":
        if not head.startswith(b"%PDF-"):
            _refuse(_("This file is damaged or not a PDF."), "damaged")
    elif check == "image":
        try:
            with Image.open(upload) as img:
                img.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            _refuse(_("This image is damaged."), "damaged")
    elif check == "ooxml":
        extension = _check_ooxml(io.BytesIO(_read_all(upload)), extension)
    elif check == "ole":
        extension = _check_ole(io.BytesIO(_read_all(upload)))
    upload.seek(0)
    return Sniffed(extension, ACCEPTED[extension][0], safe_name(name, extension))


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data
