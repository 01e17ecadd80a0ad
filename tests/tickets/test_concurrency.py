"""Two people at once, on real PostgreSQL row locks: exactly one wins."""

import threading
import uuid

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from accounts.roles import Role
from tests.tickets.factories import intake_data, step_data
from tickets import services
from tickets.errors import ConcurrentChange, TicketError
from tickets.models import State, Ticket

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    """A transactional test flushes the tables, taking the role groups of the data migration."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def run_together(*calls):
    """Start the calls in threads at the same moment; return (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def worker(call):
        try:
            barrier.wait()
            results.append(call())
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results, errors


def test_two_people_acting_on_the_same_ticket_one_wins(people, new_ticket):
    ticket = new_ticket()
    seen = ticket.version
    results, errors = run_together(
        lambda: services.ticket_transition(
            ticket=ticket, to="plan", by=people.pm, data=step_data("plan", people), expected_version=seen
        ),
        lambda: services.ticket_transition(
            ticket=ticket,
            to="reject",
            by=people.sales_manager,
            data={"reason": "非我司产品"},
            expected_version=seen,
        ),
    )
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], ConcurrentChange) and errors[0].message == "工单已被他人更新"
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert errors[0].ticket.state == fresh.state == results[0].state
    assert fresh.version == seen + 1
    assert fresh.events.filter(kind="transition").count() == 1


def test_the_same_action_twice_at_once_applies_once(people, new_ticket):
    ticket = new_ticket()

    def call():
        return services.ticket_transition(
            ticket=ticket, to="plan", by=people.pm, data=step_data("plan", people)
        )

    results, errors = run_together(call, call)
    assert len(results) == 1 and isinstance(errors[0], TicketError) and errors[0].status == 409
    assert Ticket.objects.get(pk=ticket.pk).plans.count() == 1


def test_simultaneous_intakes_get_distinct_numbers(people, shipment):
    calls = [lambda: services.ticket_create(by=people.sales, **intake_data(shipment)) for _ in range(4)]
    results, errors = run_together(*calls)
    assert not errors
    assert len({t.number for t in results}) == 4


def test_a_double_submitted_intake_at_the_same_moment_saves_once(people, shipment, new_ticket):
    token = uuid.uuid4()
    calls = [lambda: services.ticket_create(by=people.sales, intake_token=token, **intake_data(shipment))] * 2
    results, errors = run_together(*calls)
    assert not errors, errors
    assert results[0].pk == results[1].pk and Ticket.objects.count() == 1
    assert results[0].state == State.RECEIVED
    # and the twin did not use up a number
    assert int(new_ticket().number[-6:]) == int(results[0].number[-6:]) + 1
