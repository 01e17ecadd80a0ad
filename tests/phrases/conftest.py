# The complaint fixtures (people, a ticket, walking it along) are the tickets tests' own.
from tests.tickets.conftest import new_ticket, people, shipment, walk  # noqa: F401
