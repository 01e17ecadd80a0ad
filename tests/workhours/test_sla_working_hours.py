"""With SLA_CLOCK=working the ticket clocks, the list's SLA filter, the breach escalation
and promise reminders all skip nights, weekends and holidays (hand-counted)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from notify.models import Notification
from promises.models import Commitment
from promises.services import commitment_create, commitment_send_reminders
from tests.tickets.test_pages import main_content
from tickets import sla
from tickets.models import SlaEscalation, Ticket
from workhours import calendar

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def t(month, day, hour, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def working(settings):
    settings.SLA_CLOCK = "working"
    calendar.forget()
    yield
    calendar.forget()


def test_critical_ticket_logged_before_national_day_is_due_after_it(new_ticket, client, people):
    # critical: first response within 2 working hours. Logged Wed 30 Sep 17:00:
    # 0.5 h that day, 1–7 Oct off, 1.5 h on Thu 8 Oct → due 10:00.
    with time_machine.travel(t(9, 30, 17), tick=False):
        ticket = new_ticket(severity="critical")
    ticket = sla.with_targets(Ticket.objects.filter(pk=ticket.pk)).get()
    response = sla.clocks(ticket, now=t(10, 5, 12))[0]
    assert response.due_at == t(10, 8, 10)
    assert response.status == sla.OK  # the wall clock would say breached by five days
    assert response.left == datetime.timedelta(hours=1.5)
    assert sla.clocks(ticket, now=t(10, 8, 10, 1))[0].status == sla.BREACHED

    client.force_login(people.pm)
    with time_machine.travel(t(10, 8, 9, 40), tick=False):  # 20 working minutes left of 120
        assert ticket.number in main_content(client.get(reverse("tickets:list"), {"sla": "soon"}))
        assert ticket.number not in main_content(client.get(reverse("tickets:list"), {"sla": "breached"}))
        assert sla.sla_send_escalations() == 0
    with time_machine.travel(t(10, 8, 10, 5), tick=False):
        assert ticket.number in main_content(client.get(reverse("tickets:list"), {"sla": "breached"}))
        assert sla.sla_send_escalations() == 1
    assert SlaEscalation.objects.get(ticket=ticket, kind="response").due_at == t(10, 8, 10)


def test_time_in_state_counts_working_hours(new_ticket, people):
    with time_machine.travel(t(9, 11, 16), tick=False):  # Friday 16:00
        ticket = new_ticket()
    ticket = Ticket.objects.get(pk=ticket.pk)
    rows = sla.time_in_states(ticket, ticket.events.all(), now=t(9, 14, 10))  # Monday 10:00
    assert [(r.state, r.total) for r in rows] == [("received", datetime.timedelta(hours=3))]


def test_promise_reminder_an_hour_of_work_before_a_monday_morning(people):
    with time_machine.travel(t(9, 10, 12), tick=False):
        promise = commitment_create(
            owner=people.sales, by=people.sales, description="回电", due_at=t(9, 14, 9)
        )
    # Mon 09:00 less one working hour is Fri 17:00 (0.5 h Monday morning, 0.5 h Friday)
    with time_machine.travel(t(9, 11, 16, 59), tick=False):
        assert commitment_send_reminders() == 0
    with time_machine.travel(t(9, 11, 17), tick=False):
        assert commitment_send_reminders() == 1
    promise.refresh_from_db()
    assert promise.reminded_at == t(9, 11, 17)
    assert Notification.objects.filter(event="commitment.reminder", recipient=people.sales).count() == 1
    assert Commitment.objects.filter(reminded_at__isnull=True).count() == 0
