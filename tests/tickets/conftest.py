"""Fixtures for the tickets tests: one user per role, a customer with a shipment, a new
ticket, and `walk`, which moves a ticket along the workflow by the people whose job each step
is. The building itself is tests/tickets/factories.py; these fixtures only bind it to them."""

import datetime

import pytest

from tests.factories import ShipmentFactory
from tests.tickets import factories
from tests.tickets.factories import ROLES, Crew, TicketFactory

USERNAMES = {"sales_manager": "salesmgr", "purchasing": "buyer", "technical": "tech"}


@pytest.fixture
def people(make_user):
    """Everyone of the workflow, with their role's short username ("sales", "pm", "qc"…)."""
    return Crew(**{name: make_user(role, username=USERNAMES.get(name, name)) for name, role in ROLES.items()})


@pytest.fixture
def shipment(db):
    return ShipmentFactory(order_number="SO-2026-0099", ship_date=datetime.date(2026, 10, 8))


@pytest.fixture
def new_ticket(people, shipment):
    """new_ticket(**intake overrides) → a ticket the sales person logged about `shipment`."""

    def make(**overrides):
        return TicketFactory(shipment=shipment, people=people, **overrides)

    return make


@pytest.fixture
def walk(people):
    """walk(ticket, until_state) → the ticket moved along the happy path to that state."""

    def go(ticket, until: str, **kwargs):
        return factories.walk(ticket, until, people, **kwargs)

    return go
