"""Reads on the outbox: my notifications."""

from django.db.models import QuerySet

from accounts.models import User

from .models import Notification, NotifyPreference, RobotWebhook
from .params import preload


def notifications_for(user: User) -> QuerySet[Notification]:
    """Only ever the user's own rows."""
    return Notification.objects.filter(recipient=user)


def unread_count(user: User) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def email_wanted(user: User) -> bool:
    """E-mail unless the person turned it off (the default is e-mail only)."""
    return not NotifyPreference.objects.filter(user=user, email=False).exists()


def personal_robots(user: User) -> QuerySet[RobotWebhook]:
    return RobotWebhook.objects.filter(owner=user).order_by("pk")


def ready_to_show(rows, user: User) -> list[Notification]:
    """The user's rows with what their texts name read in one query per kind of record, so a
    page of them is worded (`shown_subject`, `shown_body`) in the reader's language cheaply."""
    rows = list(rows)
    cache = preload([r.params.get("context", {}) for r in rows if r.template])
    for row in rows:
        row.recipient = user
        row.preloaded = cache
    return rows
