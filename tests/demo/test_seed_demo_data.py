"""The demo year: written through the services, idempotent, never with DEBUG off."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from accounting.models import Voucher
from insight.models import CostLine, StepStay
from insight.selectors import summary_as_of
from notify.models import Notification
from tickets.models import Event, Ticket

pytestmark = pytest.mark.django_db


def test_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo_data", tickets=2)
    assert not Ticket.objects.exists()


# The demo must not depend on when it runs: before office hours and late in the evening
# (a failed CI run at 23:20 Beijing time found it did).
@pytest.mark.parametrize("utc_hour", [20, 15])  # 04:00 and 23:00 in Beijing
def test_a_small_year_is_true_and_idempotent(settings, utc_hour):
    settings.DEBUG = True
    now = datetime.datetime(2026, 12, 2, utc_hour, 20, tzinfo=datetime.UTC)
    with time_machine.travel(now, tick=False):
        call_command("seed_demo_data", tickets=24)
    tickets = Ticket.objects.count()
    assert tickets == 24
    # the two logged in the last 20 days are still on their way; the older ones are done
    states = set(Ticket.objects.values_list("state", flat=True))
    assert {"archived", "confirming", "in_service"} <= states
    # every ticket's timeline starts with its intake, at the ticket's own time
    for t in Ticket.objects.all():
        first = Event.objects.filter(ticket=t).order_by("seq").first()
        assert first.kind == "created" and first.created_at == t.created_at
    assert not Notification.objects.filter(status="pending").exists()
    # the dashboards' summaries are built: the first visit has cost and time in step
    assert summary_as_of() is not None and StepStay.objects.exists() and CostLine.objects.exists()
    events, vouchers = Event.objects.count(), Voucher.objects.count()
    call_command("seed_demo_data", tickets=24)
    assert (Ticket.objects.count(), Event.objects.count(), Voucher.objects.count()) == (
        tickets,
        events,
        vouchers,
    )
