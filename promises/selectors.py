"""Reads on promises: kept-on-time rates."""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from ui.batch import PreparedRows, prepared_rows

from .models import Commitment


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


def open_commitments_of(source) -> list[Commitment]:
    """The promises still open that were made about this record (a complaint's call-back),
    soonest due first."""
    return list(
        Commitment.objects.filter(
            source_type=ContentType.objects.get_for_model(source),
            source_id=source.pk,
            status=Commitment.Status.OPEN,
        ).order_by("due_at", "id")
    )


def commitments_query(source) -> QuerySet[Commitment]:
    """Every promise made about this record, unordered for the page (see arranged)."""
    return _commitments(ContentType.objects.get_for_model(source).pk, source.pk)


def commitments_read(source) -> PreparedRows:
    """commitments_query's rows for a page, its SQL compiled once per process (ui.batch)."""
    source_type = ContentType.objects.get_for_model(source).pk
    return prepared_rows("promises.commitments", _commitments, source_type, source.pk)


def _commitments(source_type: int, source_id: int) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(source_type=source_type, source_id=source_id)
        .select_related("owner", "closed_by", "rescheduled_from")
        .order_by("-id")
    )


def commitments_of(source) -> list[Commitment]:
    """Every promise made about this record, open ones first, then the closed, newest first;
    each with what it was rescheduled to/from (one query)."""
    return arranged(list(commitments_query(source)))


def arranged(rows: list[Commitment]) -> list[Commitment]:
    """commitments_query's rows in the page's order, each with the promise that replaced it."""
    followers = {c.rescheduled_from_id: c for c in rows if c.rescheduled_from_id}
    for c in rows:
        c.rescheduled_as = followers.get(c.pk)  # the promise that replaced it, if any
    rows.sort(key=lambda c: (c.status != Commitment.Status.OPEN, c.due_at if c.status == "open" else 0))
    return rows
