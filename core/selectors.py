"""Reads on shared data: my notifications, commitments' kept-on-time rates."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from security.params import parse_int

from .models import Commitment, Customer, MaterialBatch, Notification, Product, Shipment, Supplier, User


def notifications_for(user: User) -> QuerySet[Notification]:
    """Only ever the user's own rows."""
    return Notification.objects.filter(recipient=user)


def unread_count(user: User) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


@dataclass(frozen=True)
class KeptRate:
    owner: User
    total: int
    kept_on_time: int
    kept_late: int
    broken: int
    open_overdue: int
    open_pending: int

    @property
    def due(self) -> int:
        """Promises whose time has come: the denominator of the rate."""
        return self.kept_on_time + self.kept_late + self.broken + self.open_overdue

    @property
    def rate(self) -> float | None:
        return self.kept_on_time / self.due if self.due else None


def commitment_kept_rates(*, since: datetime.datetime | None = None) -> list[KeptRate]:
    """Per owner: kept on time / promises already due (kept, broken or still open past due).
    Promises not yet due do not count either way. Worst rate first."""
    now = timezone.now()
    rows = Commitment.objects.all()
    if since is not None:
        rows = rows.filter(due_at__gte=since)
    kept = Q(status=Commitment.Status.KEPT)
    open_ = Q(status=Commitment.Status.OPEN)
    agg = (
        rows.values("owner")
        .annotate(
            total=Count("id"),
            kept_on_time=Count("id", filter=kept & Q(closed_at__lte=F("due_at"))),
            kept_late=Count("id", filter=kept & Q(closed_at__gt=F("due_at"))),
            broken=Count("id", filter=Q(status=Commitment.Status.BROKEN)),
            open_overdue=Count("id", filter=open_ & Q(due_at__lte=now)),
            open_pending=Count("id", filter=open_ & Q(due_at__gt=now)),
        )
        .order_by()
    )
    owners = User.objects.in_bulk([a["owner"] for a in agg])
    result = [KeptRate(owner=owners[a.pop("owner")], **a) for a in agg]
    result.sort(key=lambda r: (r.rate is None, r.rate if r.rate is not None else 0, r.owner.display_name))
    return result


def users_with_roles(*roles: str) -> QuerySet[User]:
    """Active users holding any of these roles: the people a step is announced to."""
    return User.objects.filter(groups__name__in=[str(r) for r in roles], is_active=True).distinct()


def shipment_label(shipment: Shipment) -> str:
    return f"{shipment.ship_date:%Y-%m-%d} · {shipment.product.name} · {shipment.lot_number}"


# -- autocomplete: the long lists a form picks from, found by typing ----------------------
# Bounded both ways: at most AUTOCOMPLETE_LIMIT rows, and only the first AUTOCOMPLETE_MAX_Q
# characters and AUTOCOMPLETE_MAX_WORDS words of what was typed. Each word must match
# (code or name contains it, case-insensitive), as the old in-page filter did. On PostgreSQL
# the trigram indexes of core/migrations/0007 serve the contains-matches.
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
