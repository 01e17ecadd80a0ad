"""Storing and serving documents. Files go through Django's storage API (default_storage via
the FileField), never raw paths, so the storage can move (e.g. to S3) without code changes."""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse

from accounts.models import User
from apperrors.exceptions import Invalid

from .models import Document
from .validation import validate_document


def document_store(*, upload, by: User) -> Document:
    """Validate an upload (validate_document) and keep it under a generated name; a refused
    file raises Invalid on the field "file"."""
    try:
        sniffed = validate_document(upload)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], field="file") from None
    upload.seek(0)
    data = upload.read()
    document = Document(
        original_name=sniffed.name,
        extension=sniffed.extension,
        content_type=sniffed.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by,
    )
    document.file.save("upload", ContentFile(data), save=False)
    document.save()
    return document


def download_response(document: Document) -> FileResponse:
    """The file as an attachment under its safe name, never rendered inline by the browser.
    Callers check who may see it first (each owner app's own view)."""
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
