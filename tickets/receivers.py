"""What tickets does when other apps act on a complaint (connected in TicketsConfig.ready())."""

from documents.models import Attachment
from masterdata.models import Customer

from .models import Event, Ticket
from .search import search_grams
from .timeline import record_event


def on_document_attached(sender, record, attachment: Attachment, by, **kwargs) -> None:
    """A document filed on a complaint is a timeline entry (its name; the card shows its kind)."""
    if isinstance(record, Ticket):
        locked = Ticket.objects.select_for_update().get(pk=record.pk)
        record_event(locked, kind=Event.Kind.ATTACHMENT, by=by, text=attachment.document.original_name)


# The ticket's own columns that build_search_text reads.
SEARCHED_TEXTS = ("number", "lot_number", "order_number", "site", "customer_words", "description")


def remember_customer_names(sender, instance: Customer, **kwargs) -> None:
    """Before a customer is saved: its code and name as stored (a ticket's search_text holds them)."""
    if instance.pk:
        instance._searched_names = Customer.objects.filter(pk=instance.pk).values_list("code", "name").first()


def refresh_customer_tickets(sender, instance: Customer, created: bool, **kwargs) -> None:
    """A renamed customer is found by its new code and name, not its old ones."""
    before = getattr(instance, "_searched_names", None)
    if created or before is None or before == (instance.code, instance.name):
        return
    tickets = Ticket.objects.filter(customer=instance).only("pk", *SEARCHED_TEXTS).order_by("pk")
    batch = []
    for ticket in tickets.iterator(chunk_size=2000):
        ticket.customer = instance
        ticket.search_text = ticket.build_search_text()
        ticket.search_grams = search_grams(ticket.search_text)
        batch.append(ticket)
        if len(batch) == 2000:
            Ticket.objects.bulk_update(batch, ["search_text", "search_grams"])
            batch = []
    if batch:
        Ticket.objects.bulk_update(batch, ["search_text", "search_grams"])
