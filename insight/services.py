"""Keeping the summary tables (insight/models.py) up to date: the only writes of insight.

`refresh_summaries()` recomputes the rows of the tickets that changed since the last run
(a ticket saved — every state change and form saves it — or a voucher of one of its quality
disputes acted on), with a margin for transactions that were still open then; the first
run, `full=True`, a changed SLA clock or a day since the last full rebuild recompute every
ticket. It replaces a ticket's rows whole, so running it twice changes nothing.
"""

import datetime
import time

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounting.models import VoucherEvent
from tickets.models import Event, Ticket
from workhours import clock

from .models import CostLine, RepeatLink, StayRollup, StepStay, SummaryRefresh
from .selectors import TENTHS, day_start, month_key, next_month, ticket_costs

NAME = "insight"
MARGIN = datetime.timedelta(minutes=10)  # a transaction open this long is still caught
FULL_EVERY = datetime.timedelta(days=1)  # also catches plant-calendar edits (working hours)
BATCH = 2000
EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)  # "never": clock "" marks it


def _clock_name() -> str:
    return "working" if clock.working_hours() else "wall"


def _changed_since(since: datetime.datetime) -> set[int]:
    changed = set(Ticket.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    changed |= set(
        VoucherEvent.objects.filter(at__gte=since, voucher__dispute__ticket__isnull=False).values_list(
            "voucher__dispute__ticket_id", flat=True
        )
    )
    return changed


def _dimensions(row: dict) -> dict:
    return {
        "ticket_created_at": row["created_at"],
        "product_id": row["product_id"],
        "customer_id": row["customer_id"],
        "supplier_id": row["supplier_id"],
        "root_cause_category": row["root_cause_category"],
    }


def _cost_lines(ids: list[int]) -> list[CostLine]:
    costs = ticket_costs(ids)  # the one definition of the chain (insight.selectors)
    facts = Ticket.objects.filter(pk__in=list(costs)).values(
        "pk", "number", "created_at", "product_id", "customer_id", "supplier_id", "root_cause_category"
    )
    lines = []
    for row in facts:
        parts, booked, recovered = costs[row["pk"]]
        lines.append(
            CostLine(
                ticket_id=row["pk"],
                number=row["number"],
                parts=parts,
                booked=booked,
                recovered=recovered,
                **_dimensions(row),
            )
        )
    return lines


def _stays(ids: list[int]) -> list[StepStay]:
    """Each completed stay, as insight.selectors documents it: from the state change that
    entered a state (the intake from the ticket's own time) to the next one, on the SLA clock."""
    tickets = {
        row["pk"]: row
        for row in Ticket.objects.filter(pk__in=ids).values(
            "pk", "created_at", "product_id", "customer_id", "supplier_id", "root_cause_category"
        )
    }
    events = (
        Event.objects.filter(ticket_id__in=ids)
        .exclude(to_state="")
        .order_by("ticket_id", "seq")
        .values_list("ticket_id", "kind", "created_at", "to_state", "actor_id")
    )
    stays, previous = [], None
    for ticket_id, kind, at, state, actor in events.iterator(chunk_size=BATCH):
        ticket = tickets[ticket_id]
        at = ticket["created_at"] if kind == Event.Kind.CREATED else at
        if previous and previous[0] == ticket_id:
            hours = clock.elapsed(previous[1], at).total_seconds() / 3600
            stays.append(
                StepStay(
                    ticket_id=ticket_id,
                    state=previous[2],
                    actor_id=actor,
                    hours=max(hours, 0.0),
                    **_dimensions(ticket),
                )
            )
        previous = (ticket_id, at, state)
    return stays


def _stays_in_sql(ids: list[int] | None) -> None:
    """_stays in one INSERT … SELECT on PostgreSQL with the wall clock (LEAD over each
    ticket's state changes): a full rebuild at 1,000,000 timeline entries in seconds, not
    minutes. Working hours need the Python clock (the plant calendar)."""
    stay, event, ticket = StepStay._meta.db_table, Event._meta.db_table, Ticket._meta.db_table
    only = "AND e.ticket_id = ANY(%s)" if ids is not None else ""
    query = f"""
        INSERT INTO {stay} (ticket_id, state, actor_id, hours, ticket_created_at, product_id,
                            customer_id, supplier_id, root_cause_category)
        SELECT s.ticket_id, s.state, s.next_actor,
               GREATEST(EXTRACT(EPOCH FROM s.next_at - s.at)::float8 / 3600, 0),
               t.created_at, t.product_id, t.customer_id, t.supplier_id, t.root_cause_category
        FROM (
            SELECT e.ticket_id, e.to_state AS state, e.at,
                   LEAD(e.at) OVER w AS next_at, LEAD(e.actor_id) OVER w AS next_actor
            FROM (
                SELECT e.ticket_id, e.seq, e.to_state, e.actor_id,
                       CASE WHEN e.kind = %s THEN t.created_at ELSE e.created_at END AS at
                FROM {event} e JOIN {ticket} t ON t.id = e.ticket_id
                WHERE e.to_state <> '' {only}
            ) e
            WINDOW w AS (PARTITION BY e.ticket_id ORDER BY e.seq)
        ) s JOIN {ticket} t ON t.id = s.ticket_id
        WHERE s.next_at IS NOT NULL"""  # noqa: S608 - table names only; values are params
    with connection.cursor() as cursor:
        cursor.execute(query, [Event.Kind.CREATED, *([ids] if ids is not None else [])])


def _months_of(ids: list[int]) -> set[datetime.date]:
    """The (local) months of intake of these tickets: the rollup cells their stays are in."""
    months = set()
    for start in range(0, len(ids), BATCH):
        rows = (
            Ticket.objects.filter(pk__in=ids[start : start + BATCH])
            .annotate(month=TruncMonth("created_at"))
            .values_list("month", flat=True)
            .distinct()
        )
        months |= {month_key(m) for m in rows}
    return months


def _roll_up(months: set[datetime.date] | None) -> None:
    """Recount StayRollup from StepStay for these months (None: all), whole months at a time,
    so a month's cells always count every stay of its tickets."""
    stays = StepStay.objects.all()
    if months is None:
        StayRollup.objects.all().delete()
    else:
        if not months:
            return
        StayRollup.objects.filter(month__in=months).delete()
        within = Q()
        for month in months:
            within |= Q(
                ticket_created_at__gte=day_start(month), ticket_created_at__lt=day_start(next_month(month))
            )
        stays = stays.filter(within)
    cells = (
        stays.annotate(month=TruncMonth("ticket_created_at"), tenths=TENTHS)
        .values("month", "root_cause_category", "state", "actor_id", "tenths")
        .annotate(n=Count("id"), shortest=Min("hours"), longest=Max("hours"))
        .order_by()
    )
    StayRollup.objects.bulk_create(
        (
            StayRollup(
                month=month_key(c["month"]),
                root_cause_category=c["root_cause_category"],
                state=c["state"],
                actor_id=c["actor_id"],
                tenths=int(c["tenths"]),
                stays=c["n"],
                low=c["shortest"],
                high=c["longest"],
            )
            for c in cells.iterator(chunk_size=BATCH)
        ),
        batch_size=BATCH,
    )


LINKS = f"""
    INSERT INTO {{link}} (ticket_id, created_at, product_id, defect_type_id, customer_id, supplier_id,
                          root_cause_category, prev_id, prev_number, prev_at)
    SELECT id, created_at, product_id, defect_type_id, customer_id, supplier_id, root_cause_category,
           prev_id, prev_number, prev_at
    FROM (
        SELECT id, created_at, product_id, defect_type_id, customer_id, supplier_id, root_cause_category,
               LAG(id) OVER w AS prev_id, LAG(number) OVER w AS prev_number,
               LAG(created_at) OVER w AS prev_at
        FROM {Ticket._meta.db_table}
        WHERE product_id IS NOT NULL AND defect_type_id IS NOT NULL {{series}}
        WINDOW w AS (PARTITION BY product_id, defect_type_id ORDER BY created_at, id)
    ) series
    WHERE prev_id IS NOT NULL {{after}}"""  # noqa: S608 - table names only; values are params


def _link(ids: list[int] | None) -> None:
    """Recompute RepeatLink for the (product, defect) series these tickets are in now or
    were in at the last refresh (None: every series), from the earliest of them on: a
    ticket's predecessor changes only when a ticket before it in its series is logged,
    moved in or moved out — one of these."""
    link = RepeatLink._meta.db_table
    if ids is None:
        RepeatLink.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(LINKS.format(link=link, series="", after=""))
        return
    since: dict[tuple[int, int], datetime.datetime] = {}  # series → from when to recompute

    def touch(series: tuple[int, int], at: datetime.datetime) -> None:
        since[series] = min(at, since.get(series, at))

    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        now_in = Ticket.objects.filter(pk__in=chunk, product__isnull=False, defect_type__isnull=False)
        for product, defect, at in now_in.values_list("product_id", "defect_type_id", "created_at"):
            touch((product, defect), at)
        # where they were: their own link, and the link of the ticket that came after them
        mine = set(chunk)
        was_in = RepeatLink.objects.filter(Q(ticket_id__in=chunk) | Q(prev_id__in=chunk))
        for product, defect, ticket, at, prev_at in was_in.values_list(
            "product_id", "defect_type_id", "ticket_id", "created_at", "prev_at"
        ):
            touch((product, defect), at if ticket in mine else prev_at)
    adapt = connection.ops.adapt_datetimefield_value
    ordered = sorted(since, key=since.get)  # similar starting points share a statement
    for start in range(0, len(ordered), 500):
        pairs = ordered[start : start + 500]
        after = min(since[pair] for pair in pairs)
        # a row-value IN list: an index lookup per series (an OR of 500 Qs was a slow scan)
        within = f"(product_id, defect_type_id) IN (VALUES {', '.join(['(%s, %s)'] * len(pairs))})"
        values = [v for pair in pairs for v in pair]
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {link} WHERE {within} AND created_at >= %s",  # noqa: S608 - placeholders
                [*values, adapt(after)],
            )
            cursor.execute(
                LINKS.format(link=link, series=f"AND {within}", after="AND created_at >= %s"),
                [*values, adapt(after)],
            )


def _rebuild(ids: list[int], *, full: bool) -> None:
    in_sql = connection.vendor == "postgresql" and not clock.working_hours()
    if in_sql and full:
        _stays_in_sql(None)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        if not full:
            CostLine.objects.filter(ticket_id__in=chunk).delete()
            StepStay.objects.filter(ticket_id__in=chunk).delete()
        CostLine.objects.bulk_create(_cost_lines(chunk), batch_size=BATCH)
        if in_sql and not full:
            _stays_in_sql(chunk)
        elif not in_sql:
            StepStay.objects.bulk_create(_stays(chunk), batch_size=BATCH)
    _roll_up(None if full else _months_of(ids))
    _link(None if full else ids)
    if full and connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # rewritten whole: plan with the new statistics
            for model in (CostLine, StepStay, StayRollup, RepeatLink):
                cursor.execute(f"ANALYZE {model._meta.db_table}")


def refresh_summaries(*, full: bool = False, now: datetime.datetime | None = None) -> SummaryRefresh:
    """Bring the summary tables up to date; returns the refresh record (as of `now`)."""
    now = now or timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        # One refresh at a time: a second one (beat while the first is still running) waits
        # for the row, then sees the first one's work. The row exists before it is locked.
        SummaryRefresh.objects.get_or_create(
            name=NAME, defaults={"as_of": EPOCH, "full_at": EPOCH, "clock": ""}
        )
        last = SummaryRefresh.objects.select_for_update().get(name=NAME)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # the rollup groups 450,000 stays: in memory
                cursor.execute("SET LOCAL work_mem = '64MB'")
        full = full or last.clock != _clock_name() or now - last.full_at >= FULL_EVERY
        if full:
            CostLine.objects.all().delete()
            StepStay.objects.all().delete()  # StayRollup, RepeatLink: recounted whole below
            ids = list(Ticket.objects.order_by("pk").values_list("pk", flat=True))
        else:
            ids = sorted(_changed_since(last.as_of - MARGIN))
        _rebuild(ids, full=full)
        record, _created = SummaryRefresh.objects.update_or_create(
            name=NAME,
            defaults={
                "as_of": now,
                "full_at": now if full else last.full_at,
                "clock": _clock_name(),
                "tickets": len(ids),
                "seconds": round(time.perf_counter() - started, 3),
            },
        )
    return record


def last_refresh() -> SummaryRefresh | None:
    return SummaryRefresh.objects.filter(name=NAME).exclude(clock="").first()
