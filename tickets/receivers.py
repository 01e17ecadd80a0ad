"""What tickets does when other apps act on a complaint (connected in TicketsConfig.ready())."""

from documents.models import Attachment

from .models import Event, Ticket
from .timeline import record_event


def on_document_attached(sender, record, attachment: Attachment, by, **kwargs) -> None:
    """A document filed on a complaint is a timeline entry (its name; the card shows its kind)."""
    if isinstance(record, Ticket):
        locked = Ticket.objects.select_for_update().get(pk=record.pk)
        record_event(locked, kind=Event.Kind.ATTACHMENT, by=by, text=attachment.document.original_name)
