"""Reads on master data: a shipment's label, and the long lists a form picks from, found by
typing (masterdata.views' autocomplete endpoints)."""

from django.db.models import F, Q, QuerySet

from security.params import parse_int

from .models import Customer, MaterialBatch, Product, Shipment, Supplier


def shipment_label(shipment: Shipment) -> str:
    return f"{shipment.ship_date:%Y-%m-%d} · {shipment.product.name} · {shipment.lot_number}"


# -- autocomplete: the long lists a form picks from, found by typing ----------------------
# Bounded both ways: at most AUTOCOMPLETE_LIMIT rows, and only the first AUTOCOMPLETE_MAX_Q
# characters and AUTOCOMPLETE_MAX_WORDS words of what was typed. Each word must match
# (code or name contains it, case-insensitive), as the old in-page filter did. On PostgreSQL
# the trigram indexes of accounts/migrations/0007 serve the contains-matches.
AUTOCOMPLETE_LIMIT = 20
AUTOCOMPLETE_MAX_Q = 64
AUTOCOMPLETE_MAX_WORDS = 4


def search_words(q) -> list[str]:
    if not isinstance(q, str):
        return []
    return q[:AUTOCOMPLETE_MAX_Q].split()[:AUTOCOMPLETE_MAX_WORDS]


def _matching(rows: QuerySet, q, *fields: str, **related: QuerySet) -> QuerySet:
    """Rows where every word of `q` is in one of `fields`, or names one of `related`'s
    rows (a short list looked up first: a join inside the OR would defeat the indexes)."""
    for word in search_words(q):
        match = Q()
        for field in fields:
            match |= Q(**{f"{field}__icontains": word})
        for fk, targets in related.items():
            ids = list(targets.filter(name__icontains=word).values_list("pk", flat=True)[:500])
            if ids:
                match |= Q(**{f"{fk}__in": ids})
        rows = rows.filter(match)
    return rows


def _by_code(rows: QuerySet, q) -> QuerySet:
    """By code. With nothing typed, or a word too short for a trigram index, the walk of
    the code index is the quick way to twenty matches. With longer words, NULLS FIRST
    (codes are never null: the same order) keeps PostgreSQL from walking the code index
    past thousands of rows in the hope of a rare match, and lets it use the trigram indexes."""
    words = search_words(q)
    if words and all(len(w) >= 3 for w in words):
        return rows.order_by(F("code").asc(nulls_first=True))
    return rows.order_by("code")


def customers_matching(q, *, within: QuerySet | None = None) -> list[Customer]:
    """Customers whose code or name holds every word of `q`, by code. `within` narrows them
    further (the objection pages offer only customers of objections the user may see)."""
    rows = _by_code(Customer.objects.only("code", "name"), q)
    if within is not None:
        rows = rows.filter(within)
    return list(_matching(rows, q, "code", "name")[:AUTOCOMPLETE_LIMIT])


def suppliers_matching(q) -> list[Supplier]:
    rows = _by_code(Supplier.objects.only("code", "name"), q)
    return list(_matching(rows, q, "code", "name")[:AUTOCOMPLETE_LIMIT])


def products_matching(q) -> list[Product]:
    rows = _by_code(Product.objects.only("code", "name"), q)
    return list(_matching(rows, q, "code", "name")[:AUTOCOMPLETE_LIMIT])


def material_batches_matching(q) -> list[MaterialBatch]:
    """Newest first, as the dispute and claim forms listed them; found by batch number,
    material or supplier name (what the label shows)."""
    rows = MaterialBatch.objects.select_related("supplier").order_by("-received_date", "id")
    rows = _matching(rows, q, "batch_number", "material", supplier=Supplier.objects.all())
    return list(rows[:AUTOCOMPLETE_LIMIT])


def shipments_matching(customer_id, q) -> list[Shipment]:
    """The customer's shipments, newest first, found by lot, order number or product name.
    No customer, no shipments: the list is always one customer's."""
    customer_id = parse_int(customer_id)
    if customer_id is None:
        return []
    rows = (
        Shipment.objects.filter(customer_id=customer_id)
        .select_related("product")
        .order_by("-ship_date", "-id")
    )
    rows = _matching(rows, q, "lot_number", "order_number", product=Product.objects.all())
    return list(rows[:AUTOCOMPLETE_LIMIT])
