"""The header's bell."""

from django.conf import settings
from django.utils.functional import cached_property

from .selectors import notifications_for, ready_to_show, unread_count


class NotificationMenu:
    """The header's bell: queried only when a template actually shows it."""

    LIMIT = 8

    def __init__(self, user):
        self.user = user
        self.poll_seconds = settings.NOTIFICATION_POLL_SECONDS

    @cached_property
    def unread(self) -> int:
        return unread_count(self.user)

    @cached_property
    def latest(self) -> list:
        rows = notifications_for(self.user).only(
            "id", "recipient_id", "template", "params", "subject", "created_at", "read_at"
        )
        return ready_to_show(rows[: self.LIMIT], self.user)


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_menu": NotificationMenu(user)}
