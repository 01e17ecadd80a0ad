"""Reads on people."""

from django.db.models import QuerySet

from .models import User


def users_with_roles(*roles: str) -> QuerySet[User]:
    """Active users holding any of these roles: the people a step is announced to."""
    return User.objects.filter(groups__name__in=[str(r) for r in roles], is_active=True).distinct()
