"""The demo year: written through the services, idempotent, never with DEBUG off."""

import pytest
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


def test_a_small_year_is_true_and_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo_data", tickets=12)
    tickets = Ticket.objects.count()
    assert tickets == 12
    states = set(Ticket.objects.values_list("state", flat=True))
    assert "archived" in states and len(states) >= 3
    # every ticket's timeline starts with its intake, at the ticket's own time
    for t in Ticket.objects.all():
        first = Event.objects.filter(ticket=t).order_by("seq").first()
        assert first.kind == "created" and first.created_at == t.created_at
    assert not Notification.objects.filter(status="pending").exists()
    # the dashboards' summaries are built: the first visit has cost and time in step
    assert summary_as_of() is not None and StepStay.objects.exists() and CostLine.objects.exists()
    events, vouchers = Event.objects.count(), Voucher.objects.count()
    call_command("seed_demo_data", tickets=12)
    assert (Ticket.objects.count(), Event.objects.count(), Voucher.objects.count()) == (
        tickets,
        events,
        vouchers,
    )
