"""Reads on master data: a customer's shipments."""

from security.params import parse_int

from .models import Shipment


def shipments_of(customer_id) -> list[Shipment]:
    """A customer's shipments, newest first: what a complaint or a dispute is most likely
    about. Capped, so a long-standing customer's list stays a list."""
    customer_id = parse_int(customer_id)
    if customer_id is None:
        return []
    return list(
        Shipment.objects.filter(customer_id=customer_id)
        .select_related("product")
        .order_by("-ship_date", "-id")[:200]
    )


def shipment_label(shipment: Shipment) -> str:
    return f"{shipment.ship_date:%Y-%m-%d} · {shipment.product.name} · {shipment.lot_number}"
