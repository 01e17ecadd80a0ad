"""Reads on CAPA effectiveness checks."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.permissions import can
from tickets.models import CapaCheck, Ticket


def capa_checks() -> QuerySet[CapaCheck]:
    return CapaCheck.objects.select_related("ticket", "ticket__customer", "verified_by")


def capa_due(today: datetime.date | None = None) -> QuerySet[CapaCheck]:
    """Scheduled checks due today or earlier, most overdue first."""
    today = today or timezone.localdate()
    return capa_checks().filter(status=CapaCheck.Status.SCHEDULED, due_on__lte=today)


CAPA_DUE_SHOWN = 10


def capa_due_card(user: User) -> dict:
    """ "My work" of QC: the CAPA checks due (one query, and none for other roles)."""
    if not can(user, "tickets.capa_verify"):
        return {"checks": []}
    checks = list(capa_due()[: CAPA_DUE_SHOWN + 1])
    return {
        "checks": checks[:CAPA_DUE_SHOWN],
        "more": len(checks) > CAPA_DUE_SHOWN,
        "today": timezone.localdate(),
    }


def capa_checks_query(ticket: Ticket) -> QuerySet:
    return ticket.capa_checks.select_related("verified_by").order_by("-due_on", "-id")


def capa_card(ticket: Ticket, user: User, checks: list | None = None) -> dict:
    """The ticket page's CAPA checks (one query, none when `checks` were read with the page's)."""
    checks = list(capa_checks_query(ticket)) if checks is None else checks
    return {"checks": checks, "may_verify": can(user, "tickets.capa_verify"), "today": timezone.localdate()}
