"""Two escalation runs at the same moment (two beats, or a beat and a manual run) on real
PostgreSQL: each breach is claimed and mailed once."""

import datetime

import pytest
from django.utils import timezone

from notify.models import Notification
from tests.tickets.test_concurrency import run_together
from tickets.models import SlaEscalation, Ticket
from tickets.sla import sla_send_escalations

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_escalation_runs_at_once_mail_each_breach_once(people, new_ticket):
    tickets = [new_ticket() for _ in range(5)]
    Ticket.objects.update(created_at=timezone.now() - datetime.timedelta(hours=200))  # both targets

    results, errors = run_together(sla_send_escalations, sla_send_escalations, sla_send_escalations)

    assert errors == []
    assert sum(results) == 10  # 5 tickets x 2 targets, whoever claimed them
    assert SlaEscalation.objects.count() == 10
    # first response: pm + sales manager, cc sales; resolution: prod + pm, cc sales
    assert Notification.objects.filter(event="ticket.sla_response").count() == 3 * len(tickets)
    assert Notification.objects.filter(event="ticket.sla_resolution").count() == 3 * len(tickets)
    assert sla_send_escalations() == 0
