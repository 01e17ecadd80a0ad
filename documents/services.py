"""Storing and serving documents. Files go through Django's storage API (default_storage via
the FileField), never raw paths, so the storage can move (e.g. to S3) without code changes."""

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.http import FileResponse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can
from apperrors.exceptions import Forbidden, Invalid

from .attachables import attachable_of
from .generated import file_response
from .models import Attachment, Document
from .signals import document_attached
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
    return file_response(document.file, filename=document.original_name, content_type=document.content_type)


@transaction.atomic
def attachment_add(*, record: models.Model, by: User, kind: str, upload) -> Attachment:
    """File a document (validated and stored by document_store) on a record that may carry
    documents, by someone who may see the record and file documents; the record's app hears
    of it (documents.signals.document_attached)."""
    attachable = attachable_of(record)
    if attachable is None:
        raise Invalid(_("Documents cannot be filed on this record."))
    if not (can(by, attachable.view, record) and can(by, "documents.attach")):
        raise Forbidden(_("Your role may not file documents here."))
    errors = {}
    if kind not in Attachment.Kind.values:
        errors["kind"] = [_("Choose what kind of document this is.")]
    if not upload:
        errors["file"] = [_("Choose a file.")]
    if errors:
        raise Invalid.for_fields(errors)
    attachment = Attachment.objects.create(
        document=document_store(upload=upload, by=by),
        source_type=ContentType.objects.get_for_model(record),
        source_id=record.pk,
        kind=kind,
        created_by=by,
    )
    document_attached.send(sender=type(record), record=record, attachment=attachment, by=by)
    return attachment
