"""Reads of the inbox, always through what the user may see: sales their own drafts, sales
managers (and admins) everything."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.permissions import can

from .models import InboundMessage, MailboxState

Status = InboundMessage.Status

# The inbox's tabs: name -> statuses shown.
TABS = {
    "open": [Status.DRAFT, Status.UNMATCHED],
    "done": [Status.CONFIRMED, Status.DISCARDED, Status.REPLY_LOGGED],
    "ignored": [Status.IGNORED],
    "failed": [Status.FAILED, Status.NEW],
}


def messages_for(user: User) -> QuerySet[InboundMessage]:
    rows = InboundMessage.objects.select_related("customer", "owner", "ticket")
    if can(user, "mailin.view_all"):
        return rows
    if can(user, "mailin.view"):
        return rows.filter(owner=user)
    return rows.none()


def inbox(user: User, tab: str) -> QuerySet[InboundMessage]:
    rows = messages_for(user).filter(status__in=TABS.get(tab, TABS["open"]))
    return rows.order_by("-received_at", "-id")


def open_count(user: User) -> int:
    return messages_for(user).filter(status__in=TABS["open"]).count()


def mailbox_states() -> QuerySet[MailboxState]:
    return MailboxState.objects.order_by("key")


def mail_of_ticket(ticket) -> QuerySet[InboundMessage]:
    return (
        InboundMessage.objects.filter(ticket=ticket).prefetch_related("attachments").order_by("received_at")
    )
