"""The header's bell."""

from django.conf import settings
from django.db.models import Count, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property

from ui.batch import fetch, prepared_rows

from .selectors import notifications_for, ready_to_show


class NotificationMenu:
    """The header's bell: queried only when a template actually shows it."""

    LIMIT = 8

    def __init__(self, user):
        self.user = user
        self.poll_seconds = settings.NOTIFICATION_POLL_SECONDS

    @cached_property
    def _read(self) -> tuple[int, list]:
        # One query for both: the latest rows carry the unread count (no rows, no unread).
        rows = fetch(prepared_rows("notify.menu", _latest, self.user))
        return (rows[0].unread_total if rows else 0), ready_to_show(rows, self.user)

    @cached_property
    def unread(self) -> int:
        return self._read[0]

    @cached_property
    def latest(self) -> list:
        return self._read[1]


def _latest(user) -> QuerySet:
    """The bell's latest rows, each with the unread count (its SQL compiled once per process)."""
    unread = (
        notifications_for(user)
        .filter(read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        notifications_for(user)
        .only("id", "recipient_id", "template", "params", "subject", "created_at", "read_at")
        .annotate(unread_total=Coalesce(Subquery(unread), 0))[: NotificationMenu.LIMIT]
    )


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_menu": NotificationMenu(user)}
