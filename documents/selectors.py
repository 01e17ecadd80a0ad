from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from ui.batch import PreparedRows, prepared_rows

from .models import Attachment


def attachments_query(record) -> QuerySet[Attachment]:
    return _attachments(ContentType.objects.get_for_model(record).pk, record.pk)


def attachments_read(record) -> PreparedRows:
    """attachments_query's rows for a page, its SQL compiled once per process (ui.batch)."""
    source_type = ContentType.objects.get_for_model(record).pk
    return prepared_rows("documents.attachments", _attachments, source_type, record.pk)


def _attachments(source_type: int, source_id: int) -> QuerySet[Attachment]:
    return (
        Attachment.objects.filter(source_type=source_type, source_id=source_id)
        .select_related("document", "created_by")
        .order_by("created_at", "id")
    )


def attachments_of(record) -> list[Attachment]:
    """The documents filed on a record, oldest first (one query)."""
    return list(attachments_query(record))
