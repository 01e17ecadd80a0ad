# The complaint fixtures (people, a ticket) are the tickets tests' own.
from tests.tickets.conftest import new_ticket, people, shipment, walk  # noqa: F401
