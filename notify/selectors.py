"""Reads on the outbox: my notifications."""

from django.db.models import QuerySet

from accounts.models import User

from .models import Notification


def notifications_for(user: User) -> QuerySet[Notification]:
    """Only ever the user's own rows."""
    return Notification.objects.filter(recipient=user)


def unread_count(user: User) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()
