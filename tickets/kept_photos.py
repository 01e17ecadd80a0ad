"""Photos of an intake form that came back with errors (procedure §4, docs/workflow.md:
the customer is still on the phone; nobody should have to attach the photos again).
See models/kept_photo.py."""

import datetime
import os
import uuid
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User

from .models import KeptPhoto, Photo, Ticket
from .photos import photo_store, stored_file


def photos_keep(*, by: User, intake_token: uuid.UUID, uploads: Iterable) -> list[KeptPhoto]:
    """Store uploads the form has already validated (images, size) under the form's token."""
    kept = []
    for upload in uploads:
        content, original = stored_file(upload)
        photo = KeptPhoto(intake_token=intake_token, created_by=by, original_name=original, size=upload.size)
        photo.image.save(content.name, content, save=False)
        photo.save()
        kept.append(photo)
    return kept


def photos_kept(*, by: User, intake_token: uuid.UUID | None) -> QuerySet[KeptPhoto]:
    """Only the uploader's own photos: a token seen by someone else claims nothing."""
    return KeptPhoto.objects.filter(intake_token=intake_token, created_by=by)


def _delete(rows: Iterable[KeptPhoto]) -> int:
    """Rows now, files once the transaction has committed (a rollback keeps both)."""
    names = []
    for row in rows:
        names.append((row.image.storage, row.image.name))
        row.delete()

    def remove_files():
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(remove_files)
    return len(names)


def photos_discard(*, by: User, intake_token: uuid.UUID, uids: Iterable[str]) -> int:
    uids = [u for u in uids if uuid_or_none(u)]
    return _delete(photos_kept(by=by, intake_token=intake_token).filter(uid__in=uids))


def photos_adopt(*, ticket: Ticket, by: User, intake_token: uuid.UUID) -> list[Photo]:
    """The saved ticket takes the kept photos (inside ticket_create's transaction)."""
    rows = list(photos_kept(by=by, intake_token=intake_token))
    adopted = []
    for row in rows:
        with row.image.open("rb") as f:
            content = ContentFile(f.read(), name=os.path.basename(row.image.name))
        adopted.append(photo_store(ticket, by, content, row.original_name, row.size))
    _delete(rows)
    return adopted


def kept_photos_cleanup(*, older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Forms abandoned with errors: their photos go after a day."""
    with transaction.atomic():
        return _delete(KeptPhoto.objects.filter(created_at__lt=timezone.now() - older_than))


def uuid_or_none(value) -> uuid.UUID | None:
    """A token or uid as posted by a form; None if it is not one."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
