"""Reads on shared data: my notifications, commitments' kept-on-time rates."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from security.params import parse_int

from .models import Commitment, Notification, Shipment, User


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
