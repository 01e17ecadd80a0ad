from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from .models import Attachment


def attachments_query(record) -> QuerySet[Attachment]:
    return (
        Attachment.objects.filter(source_type=ContentType.objects.get_for_model(record), source_id=record.pk)
        .select_related("document", "created_by")
        .order_by("created_at", "id")
    )


def attachments_of(record) -> list[Attachment]:
    """The documents filed on a record, oldest first (one query)."""
    return list(attachments_query(record))
