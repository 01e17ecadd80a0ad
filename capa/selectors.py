"""Reads on CAPA effectiveness checks."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from tickets.models import CapaCheck


def capa_checks() -> QuerySet[CapaCheck]:
    return CapaCheck.objects.select_related("ticket", "ticket__customer", "verified_by")


def capa_due(today: datetime.date | None = None) -> QuerySet[CapaCheck]:
    """Scheduled checks due today or earlier, most overdue first."""
    today = today or timezone.localdate()
    return capa_checks().filter(status=CapaCheck.Status.SCHEDULED, due_on__lte=today)
