from tests.tickets.conftest import new_ticket, people, shipment  # noqa: F401  (fixtures)
