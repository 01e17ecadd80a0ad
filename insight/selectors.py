"""What the quality dashboards count (docs/insight.md). Reads only: tickets through their
models and filters, accounting through accounting.selectors.ticket_quality_costs.

Every figure is of the tickets logged in the chosen period that match the filters; each
comes with the ticket-list query string (`drill`) that lists exactly those tickets.
"""

import datetime
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlencode

from django.db import connection, transaction
from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Field,
    Func,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Floor, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounting.selectors import ticket_quality_costs
from accounts.models import User
from masterdata.models import Customer, Product, Supplier
from portal.models import Survey
from tickets.filters import AGE_BUCKETS, CLOSED, age_range
from tickets.models import (
    DEPARTMENT_OF_ROOT_CAUSE,
    CapaCheck,
    DefectType,
    Department,
    Disposition,
    Event,
    SlaTarget,
    State,
    Ticket,
    root_causes_of,
)
from tickets.sla import BREACHED, MET, clocks, with_targets
from ui.labels import choice_labels
from workhours import clock

from .models import CostLine, RepeatLink, StayRollup, StepStay, SummaryRefresh

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Filters:
    date_from: datetime.date
    date_to: datetime.date
    product: Product | None = None
    customer: Customer | None = None
    supplier: Supplier | None = None
    department: str = ""
    repeat_months: int = 6

    def params(self) -> dict:
        """The ticket list's own parameters for these filters."""
        p = {"created_from": self.date_from.isoformat(), "created_to": self.date_to.isoformat()}
        if self.product:
            p["product"] = self.product.pk
        if self.customer:
            p["customer"] = self.customer.pk
        if self.supplier:
            p["supplier"] = self.supplier.pk
        if self.department:
            p["department"] = self.department
        return p

    @cached_property
    def _list_url(self) -> str:
        return reverse("tickets:list")

    def drill(self, **extra) -> str:
        # A dashboard draws some 450 bars and rows: the list's URL is reversed once.
        params = {**self.params(), **{k: v for k, v in extra.items() if v not in (None, "")}}
        return self._list_url + "?" + urlencode(params)


def _start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


day_start = _start  # the instant a local day begins: the period's bounds


def next_month(day: datetime.date) -> datetime.date:
    """The first day of the month after `day`'s."""
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def months_of(f: Filters) -> list[datetime.date]:
    """The first days of the months the period touches, in order."""
    months, month = [], f.date_from.replace(day=1)
    while month <= f.date_to:
        months.append(month)
        month = next_month(month)
    return months


class MonthIndex(Func):
    """`width_bucket(instant, ARRAY[the months' local starts])`: which month of `months` an
    instant falls in (1 = the first), by comparisons only. PostgreSQL's DATE_TRUNC(… AT TIME
    ZONE …) looks the time zone up for every row: three quarters of the cost sums' time."""

    function = "width_bucket"
    output_field = IntegerField()

    def __init__(self, expression, months: list[datetime.date]):
        super().__init__(expression, Value([_start(m) for m in months], output_field=Field()))


def tickets(f: Filters) -> QuerySet[Ticket]:
    qs = Ticket.objects.filter(
        created_at__gte=_start(f.date_from), created_at__lt=_start(f.date_to + datetime.timedelta(days=1))
    )
    if f.product:
        qs = qs.filter(product=f.product)
    if f.customer:
        qs = qs.filter(customer=f.customer)
    if f.supplier:
        qs = qs.filter(supplier=f.supplier)
    if f.department:
        qs = qs.filter(root_cause_category__in=root_causes_of(f.department))
    return qs


@dataclass
class Bar:
    label: str
    value: float | Decimal | int
    drill: str = ""
    cumulative: float | None = None  # Pareto: cumulative share in %
    extra: dict = field(default_factory=dict)


def per_month(f: Filters, grouped: dict | None = None) -> list[Bar]:
    if grouped is not None:
        counts = grouped["month"]
    else:
        counts = {
            _month_key(r["month"]): r["n"]
            for r in tickets(f)
            .annotate(month=TruncMonth("created_at"))
            .values("month")
            .annotate(n=Count("id"))
            .order_by("month")
        }
    bars = []
    for month in months_of(f):
        last = min(next_month(month) - datetime.timedelta(days=1), f.date_to)
        first = max(month, f.date_from)
        bars.append(
            Bar(
                label=f"{month:%Y-%m}",
                value=counts.get(month, 0),
                drill=f.drill(created_from=first.isoformat(), created_to=last.isoformat()),
            )
        )
    return bars


PARETO_DIMENSIONS = ("defect", "root_cause", "product", "customer", "supplier")


def _month_key(month) -> datetime.date:
    return timezone.localtime(month).date() if isinstance(month, datetime.datetime) else month


month_key = _month_key  # TruncMonth's value (aware on PostgreSQL) as the local month's first day


def pareto(f: Filters, dimension: str, limit: int = 10, grouped: dict | None = None) -> list[Bar]:
    """Counts by one dimension, largest first, with the cumulative share (the 80/20 line).
    Tickets not yet classified form their own bar ("not classified"), drilled to as such."""
    column = {
        "defect": "defect_type",
        "root_cause": "root_cause_category",
        "product": "product",
        "customer": "customer",
        "supplier": "supplier",
    }[dimension]
    if grouped is not None:
        ordered = sorted(
            grouped[dimension].items(), key=lambda kv: (-kv[1], kv[0] is None, 0 if kv[0] is None else kv[0])
        )
        rows = [{column: key, "n": n} for key, n in ordered]
    else:
        rows = list(tickets(f).values(column).annotate(n=Count("id")).order_by("-n", column))
    total = sum(r["n"] for r in rows) or 1
    names = _names(dimension, [r[column] for r in rows[:limit] if r[column] not in (None, "")])
    param = {"defect": "defect", "root_cause": "root_cause"}.get(dimension, dimension)
    bars, running = [], 0
    for r in rows[:limit]:
        key = r[column]
        running += r["n"]
        classified = key not in (None, "")
        bars.append(
            Bar(
                label=names.get(key, str(key)) if classified else _("not classified"),
                value=r["n"],
                drill=f.drill(**{param: key}) if classified else "",
                cumulative=round(100 * running / total, 1),
            )
        )
    return bars


def _names(dimension: str, keys: list) -> dict:
    if dimension == "root_cause":
        return choice_labels(Ticket, "root_cause_category")
    model = {"defect": DefectType, "product": Product, "customer": Customer, "supplier": Supplier}[dimension]
    return dict(model.objects.filter(pk__in=keys).values_list("pk", "name"))


def by_department(f: Filters, grouped: dict | None = None) -> list[Bar]:
    counts = defaultdict(int)
    if grouped is not None:
        causes = [(cause, n) for cause, n in grouped["root_cause"].items() if cause]
    else:
        causes = (
            tickets(f)
            .exclude(root_cause_category="")
            .values_list("root_cause_category")
            .annotate(n=Count("id"))
        )
    for cause, n in causes:
        counts[DEPARTMENT_OF_ROOT_CAUSE.get(cause)] += n
    return [
        Bar(label=str(label), value=counts.get(value, 0), drill=f.drill(department=value))
        for value, label in Department.choices
    ]


@dataclass
class Repeat:
    later: Ticket
    earlier_number: str
    earlier_action: str
    capa_status: str
    drill: str


def repeats(f: Filters, limit: int = 20, *, live: bool = False) -> tuple[int, list[Repeat]]:
    """Tickets of the period whose product and defect already came up within
    `repeat_months` × 30 days before (any customer): how many, and the latest ones with the
    earlier ticket and the corrective action recorded there (the failure that was to be
    prevented). The pairs come from one SQL query (_repeat_pairs) over the summary
    RepeatLink (`live`: over the tickets themselves, the definition it is tested against),
    then three small ones for the rows shown."""
    window = datetime.timedelta(days=30 * f.repeat_months)
    total, shown = _repeat_pairs(f, window, limit, live=live)

    later = Ticket.objects.select_related("product", "defect_type", "customer").only(
        "number", "created_at", "state", "product__name", "defect_type__name", "customer__name"
    )
    later = {t.pk: t for t in later.filter(pk__in=[r[0] for r in shown])}
    ids = [r[2] for r in shown]
    actions = {}
    for d in Disposition.objects.filter(ticket_id__in=ids).order_by("created_at", "id"):
        actions[d.ticket_id] = d.corrective_action  # the last form wins
    capa_labels = choice_labels(CapaCheck, "status")
    capa = {}
    for c in CapaCheck.objects.filter(ticket_id__in=ids).order_by("created_at", "id"):
        capa[c.ticket_id] = capa_labels.get(c.status, c.status)
    return total, [
        Repeat(
            later=later[pk],
            earlier_number=earlier_number,
            earlier_action=actions.get(earlier_id, ""),
            capa_status=capa.get(earlier_id, ""),
            drill=reverse("tickets:list")
            + "?"
            + urlencode({"numbers": f"{earlier_number},{later[pk].number}"}),
        )
        for pk, _created, earlier_id, earlier_number in shown
    ]


def _repeat_pairs(
    f: Filters, window: datetime.timedelta, limit: int, *, live: bool = False
) -> tuple[int, list[tuple]]:
    """(how many, the latest `limit` as (later id, later created, earlier id, earlier number))
    in one query: each candidate's predecessor with the same product and defect by a window
    function (LAG) over the tickets from `window` before the period on (index
    ticket_product_defect) — or, not `live`, as RepeatLink keeps it — the period's filters
    applied to the later ticket only."""
    start, end = _start(f.date_from), _start(f.date_to + datetime.timedelta(days=1))
    adapt = connection.ops.adapt_datetimefield_value
    params = [adapt(start - window), adapt(end)] if live else []
    conditions = []
    params.append(adapt(start))
    if not live:
        conditions.append("AND created_at < %s")
        params.append(adapt(end))
    for column, value in (
        ("product_id", f.product and f.product.pk),
        ("customer_id", f.customer and f.customer.pk),
        ("supplier_id", f.supplier and f.supplier.pk),
    ):
        if value:
            conditions.append(f"AND {column} = %s")
            params.append(value)
    if f.department:
        causes = list(root_causes_of(f.department))
        if causes:
            conditions.append(f"AND root_cause_category IN ({', '.join(['%s'] * len(causes))})")
            params.extend(causes)
        else:
            conditions.append("AND 1 = 0")
    if connection.vendor == "postgresql":
        within = "prev_at >= created_at - %s"
        params.append(window)
    else:  # SQLite keeps datetimes as text
        within = "julianday(created_at) - julianday(prev_at) <= %s"
        params.append(window.total_seconds() / 86400)
    params.append(limit)
    if live:
        candidates = f"""(
            SELECT id, created_at, product_id, customer_id, supplier_id, root_cause_category,
                   LAG(id) OVER w AS prev_id, LAG(number) OVER w AS prev_number,
                   LAG(created_at) OVER w AS prev_at
            FROM {Ticket._meta.db_table}
            WHERE product_id IS NOT NULL AND defect_type_id IS NOT NULL
              AND created_at >= %s AND created_at < %s
            WINDOW w AS (PARTITION BY product_id, defect_type_id ORDER BY created_at, id)
        )"""  # noqa: S608 - the table name only
    else:
        # only the columns of the covering index insight_repeat_figures: an index-only scan
        candidates = (
            "(SELECT ticket_id AS id, created_at, product_id, customer_id, supplier_id, "  # noqa: S608
            f"root_cause_category, prev_id, prev_number, prev_at FROM {RepeatLink._meta.db_table})"
        )
    query = f"""
        SELECT id, created_at, prev_id, prev_number, COUNT(*) OVER () FROM {candidates} candidates
        WHERE created_at >= %s AND prev_id IS NOT NULL {" ".join(conditions)} AND {within}
        ORDER BY created_at DESC, id DESC
        LIMIT %s"""  # noqa: S608 - the table name and placeholders only; values are params
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    return (rows[0][4] if rows else 0), [row[:4] for row in rows]


def capa_effectiveness(f: Filters) -> list[Bar]:
    """CAPA checks of the period's tickets: verified effective, not effective (reopened by
    the check), cancelled because the ticket was reopened by hand, still to verify."""
    counts = dict(
        CapaCheck.objects.filter(ticket__in=tickets(f)).values_list("status").annotate(n=Count("id"))
    )
    labels = choice_labels(CapaCheck, "status")
    order = [CapaCheck.Status.EFFECTIVE, CapaCheck.Status.NOT_EFFECTIVE, CapaCheck.Status.CANCELLED]
    order.append(CapaCheck.Status.SCHEDULED)
    return [Bar(label=labels[s], value=counts.get(s, 0)) for s in order]


def _age_counts(now: datetime.datetime) -> dict:
    aggregates = {}
    for key, _label, _a, _b in AGE_BUCKETS:
        earliest, latest = age_range(key, now)
        q = Q(created_at__lte=latest) & (Q(created_at__gt=earliest) if earliest else Q())
        aggregates[f"age_{key}"] = Count("id", filter=q & ~Q(state__in=CLOSED))
    return aggregates


def open_by_age(f: Filters, now: datetime.datetime | None = None, grouped: dict | None = None) -> list[Bar]:
    now = now or timezone.now()
    bars = []
    counts = grouped["all"] if grouped is not None else tickets(f).aggregate(**_age_counts(now))
    for key, label, _a, _b in AGE_BUCKETS:
        bars.append(Bar(label=str(label), value=counts[f"age_{key}"], drill=f.drill(age=key)))
    return bars


def open_by_state(f: Filters, grouped: dict | None = None) -> list[Bar]:
    if grouped is not None:
        counts = grouped["open_state"]
    else:
        counts = dict(tickets(f).exclude(state__in=CLOSED).values_list("state").annotate(n=Count("id")))
    labels = choice_labels(Ticket, "state")
    return [
        Bar(label=labels[s], value=counts.get(s, 0), drill=f.drill(state=s))
        for s in State.values
        if s not in CLOSED
    ]


# -- the cost of poor quality --------------------------------------------------------------


@dataclass
class Cost:
    label: str
    parts: Decimal = ZERO
    booked: Decimal = ZERO
    recovered: Decimal = ZERO
    tickets: int = 0
    drill: str = ""

    @property
    def total(self) -> Decimal:
        return self.parts + self.booked

    @property
    def net(self) -> Decimal:
        return self.total - self.recovered


def ticket_costs(ticket_ids) -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    """{ticket id: (parts on its current disposition form, booked cost, recovered)}.
    `ticket_ids`: a list or a values("pk") queryset (then one query each, no id list)."""
    parts = {}
    forms = Disposition.objects.filter(ticket_id__in=ticket_ids).order_by("ticket_id", "created_at", "id")
    for ticket_id, cost in forms.values_list("ticket_id", "parts_cost"):
        parts[ticket_id] = cost  # the last (current) form wins
    parts = {pk: cost for pk, cost in parts.items() if cost}
    booked = ticket_quality_costs(ticket_ids)
    result = {}
    for pk in set(parts) | set(booked):
        cost, recovered = booked.get(pk, (ZERO, ZERO))
        result[pk] = (parts.get(pk, ZERO) or ZERO, cost or ZERO, recovered or ZERO)
    return result


def cost_of_poor_quality_live(f: Filters) -> dict:
    """The chain ticket → parts on the disposition form → quality disputes → posted vouchers,
    summed in total and per month (of intake), customer, product, supplier and ticket.
    Computed from the source tables: the definition the summary (cost_of_poor_quality) is
    tested against; seconds at 100,000 tickets."""
    ids = tickets(f).values("pk")
    costs = ticket_costs(ids)
    facts = tickets(f).values_list(
        "pk",
        "number",
        "created_at",
        "customer_id",
        "customer__name",
        "product_id",
        "product__name",
        "supplier_id",
        "supplier__name",
    )
    total = Cost(label=_("Total"))
    groups: dict[str, dict] = {"month": {}, "customer": {}, "product": {}, "supplier": {}}
    per_ticket = []
    for pk, number, created, cust, cust_name, prod, prod_name, sup, sup_name in facts.iterator(
        chunk_size=5000
    ):
        if pk not in costs:
            continue
        parts, booked, recovered = costs[pk]
        month = f"{timezone.localtime(created):%Y-%m}"
        keys = {
            "month": (month, month, {}),
            "customer": (cust, cust_name, {"customer": cust}),
            "product": (prod, prod_name or _("no product"), {"product": prod}),
            "supplier": (sup, sup_name or _("no supplier named"), {"supplier": sup}),
        }
        for dim, (key, label, drill) in keys.items():
            row = groups[dim].get(key)
            if row is None:
                row = groups[dim][key] = Cost(label=label, drill=f.drill(**drill) if key else "")
            row.parts += parts
            row.booked += booked
            row.recovered += recovered
            row.tickets += 1
        total.parts += parts
        total.booked += booked
        total.recovered += recovered
        total.tickets += 1
        per_ticket.append(
            Cost(
                label=number,
                parts=parts,
                booked=booked,
                recovered=recovered,
                tickets=1,
                drill=reverse("tickets:detail", args=[number]),
            )
        )
    result = {"total": total}
    for dim, rows in groups.items():
        ordered = sorted(rows.values(), key=lambda c: (c.label,) if dim == "month" else (-c.net, c.label))
        result[dim] = ordered if dim == "month" else ordered[:10]
    result["tickets"] = sorted(per_ticket, key=lambda c: -c.net)[:10]
    return result


# -- time in each step, service levels ------------------------------------------------------


def _percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p90 of 10 values is the 9th smallest): what QC can recount."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil
    return ordered[int(rank) - 1]


@dataclass
class StepTime:
    state: str
    label: str
    who: str
    count: int
    median_h: float
    p90_h: float
    drill: str = ""


def step_spans(f: Filters, now: datetime.datetime | None = None) -> list[dict]:
    """Each completed stay of a period's ticket in a step: the state, hours on the SLA clock,
    and who moved it on (the actor of the next state change). From the timeline."""
    now = now or timezone.now()
    events = (
        Event.objects.filter(ticket__in=tickets(f))
        .exclude(to_state="")
        .order_by("ticket_id", "seq")
        .values_list("ticket_id", "kind", "created_at", "to_state", "actor_id", "ticket__created_at")
    )
    spans, previous = [], None
    for ticket_id, kind, at, state, actor, created in events:
        at = created if kind == Event.Kind.CREATED else at
        if previous and previous[0] == ticket_id:
            hours = clock.elapsed(previous[1], at).total_seconds() / 3600
            spans.append({"state": previous[2], "hours": max(hours, 0.0), "actor": actor})
        previous = (ticket_id, at, state)
    return spans


def _stats(hours: list[float]) -> tuple[int, float, float]:
    return len(hours), statistics.median(hours), _percentile(hours, 90)


def time_in_steps_live(f: Filters) -> dict:
    """From the timeline itself: the definition time_in_steps (summary) is tested against."""
    by_step, by_person = defaultdict(list), defaultdict(list)
    for s in step_spans(f):
        by_step[s["state"]].append(s["hours"])
        by_person[(s["state"], s["actor"])].append(s["hours"])
    return _step_times(
        f,
        {state: _stats(hours) for state, hours in by_step.items()},
        {key: _stats(hours) for key, hours in by_person.items()},
    )


def _step_times(f: Filters, steps: dict, persons: dict) -> dict:
    """steps {state: (count, median h, p90 h)}, persons {(state, actor id): (…)} → rows."""
    labels = choice_labels(Ticket, "state")
    names = {u.pk: u.display_name for u in User.objects.filter(pk__in={a for _s, a in persons})}
    order = list(State.values)
    step_rows = [
        StepTime(
            state=state,
            label=labels.get(state, state),
            who=str(STEP_DEPARTMENT.get(state, "")),
            count=steps[state][0],
            median_h=tenths(steps[state][1]) / 10,
            p90_h=tenths(steps[state][2]) / 10,
            drill=f.drill(state=state),
        )
        for state in order
        if state in steps
    ]
    people = sorted(
        (
            StepTime(
                state=state,
                label=labels.get(state, state),
                who=names.get(actor, "?"),
                count=count,
                median_h=tenths(median) / 10,
                p90_h=tenths(p90) / 10,
            )
            for (state, actor), (count, median, p90) in persons.items()
            if state in order
        ),
        key=lambda s: (order.index(s.state), -s.median_h, s.who),
    )
    return {"steps": step_rows, "people": people}


# The department each step waits on (docs/workflow.md, "States": who the ticket waits for).
# Lazy: worded when a page shows it, in the page's language, not once at import.
STEP_DEPARTMENT = {
    State.RECEIVED: gettext_lazy("Project department"),
    State.REOPENED: gettext_lazy("Project department"),
    State.PLANNED: gettext_lazy("Production (manager)"),
    State.ASSIGNED: gettext_lazy("Production (service lead)"),
    State.IN_SERVICE: gettext_lazy("Production (service lead)"),
    State.QC_REVIEW: gettext_lazy("Production QC"),
    State.CONFIRMING: gettext_lazy("Project and production managers, then QC"),
}


@dataclass
class Compliance:
    severity: str
    label: str
    response_met: int = 0
    response_missed: int = 0
    response_breached: int = 0
    resolution_met: int = 0
    resolution_missed: int = 0
    resolution_breached: int = 0

    @staticmethod
    def rate(met: int, missed: int, breached: int) -> float | None:
        done = met + missed + breached
        return round(100 * met / done, 1) if done else None

    @property
    def response_rate(self):
        return self.rate(self.response_met, self.response_missed, self.response_breached)

    @property
    def resolution_rate(self):
        return self.rate(self.resolution_met, self.resolution_missed, self.resolution_breached)


def sla_compliance(f: Filters, now: datetime.datetime | None = None) -> list[Compliance]:
    """Per severity and clock: met, missed (stopped late) and breached (running, late).
    On the wall clock one aggregate query; with working hours each ticket's clock in Python."""
    now = now or timezone.now()
    labels = choice_labels(Ticket, "severity")
    rows = {s: Compliance(severity=s, label=labels[s]) for s in ("critical", "high", "medium", "low")}
    if clock.working_hours():
        return _sla_compliance_per_ticket(f, now, rows)
    targets = list(SlaTarget.objects.values_list("severity", "first_response_hours", "resolution_hours"))
    if not targets:
        return list(rows.values())
    # Grouped by severity, each ticket's due times from its severity's targets (CASE): six
    # counts per row instead of twenty-four, and an index-only scan (insight_ticket_figures).
    dues, aggregates = {}, {}
    for i, (kind, stopped) in enumerate((("response", "responded_at"), ("resolution", "resolved_at")), 1):
        target = Case(
            *[When(severity=row[0], then=Value(datetime.timedelta(hours=float(row[i])))) for row in targets],
            output_field=DurationField(),
        )
        dues[f"{kind}_due"] = ExpressionWrapper(F("created_at") + target, output_field=DateTimeField())
        done, in_time = Q(**{f"{stopped}__isnull": False}), Q(**{f"{stopped}__lte": F(f"{kind}_due")})
        running_late = Q(**{f"{stopped}__isnull": True}) & Q(**{f"{kind}_due__lt": now})
        # COUNT(created_at), never null: a column of the covering index, unlike id
        aggregates[f"{kind}_met"] = Count("created_at", filter=done & in_time)
        aggregates[f"{kind}_missed"] = Count("created_at", filter=done & ~in_time)
        aggregates[f"{kind}_breached"] = Count("created_at", filter=running_late)
    counts = (
        tickets(f)
        .filter(severity__in=[row[0] for row in targets])
        .annotate(**dues)
        .values("severity")
        .annotate(**aggregates)
        .order_by()
    )
    for row in counts:
        if row["severity"] in rows:
            for name in aggregates:
                setattr(rows[row["severity"]], name, row[name])
    return list(rows.values())


def _sla_compliance_per_ticket(f: Filters, now: datetime.datetime, rows: dict) -> list[Compliance]:
    qs = with_targets(tickets(f)).only("severity", "state", "created_at", "responded_at", "resolved_at")
    for t in qs:
        for c in clocks(t, now):
            kind = "response" if c.kind == "response" else "resolution"
            if c.status == MET:
                outcome = "met"
            elif not c.running:
                outcome = "missed"
            else:
                outcome = "breached" if c.status == BREACHED else None
            if outcome and t.severity in rows:
                name = f"{kind}_{outcome}"
                setattr(rows[t.severity], name, getattr(rows[t.severity], name) + 1)
    return list(rows.values())


_SUMMARY = {
    "logged": Count("id"),
    "open": Count("id", filter=~Q(state__in=CLOSED)),
    "archived": Count("id", filter=Q(state=State.ARCHIVED)),
    "safety": Count("id", filter=Q(safety=True)),
}


def summary(f: Filters, grouped: dict | None = None) -> dict:
    counts = {key: grouped["all"][key] for key in _SUMMARY} if grouped is not None else None
    return {**(counts or tickets(f).aggregate(**_SUMMARY)), **ratings(f)}


def ratings(f: Filters) -> dict:
    """The customers' own ratings on the portal (portal.Survey, 1..5, after archive)."""
    # From the surveys (one per ticket, few) to their tickets, not a pass over every ticket
    # of the period joined to the surveys: the same figures.
    return Survey.objects.filter(ticket__in=tickets(f)).aggregate(rated=Count("id"), rating=Avg("rating"))


# Each figure above by itself is one query over the period's tickets; the dashboard asks
# for them all at once: on PostgreSQL one scan with GROUPING SETS (docs/insight.md).
_GROUPED = {
    "defect": "defect_type_id",
    "root_cause": "root_cause_category",
    "product": "product_id",
    "customer": "customer_id",
    "supplier": "supplier_id",
    "month": "month",
}
# The summary, open-by-state and age counts come from one more set, (state, safety, age
# bucket): a single COUNT per set instead of ten FILTERed counts computed for every set.
_STATUS = ("state", "safety", "age")


def _age_bucket(now: datetime.datetime) -> Case:
    """The open ticket's age bucket (AGE_BUCKETS are disjoint), "" when closed or none:
    the conditions _age_counts counts."""
    # Closed first: most tickets are, and then one test answers instead of six.
    whens = [When(Q(state__in=CLOSED), then=Value(""))]
    for key, _label, _a, _b in AGE_BUCKETS:
        earliest, latest = age_range(key, now)
        q = Q(created_at__lte=latest) & (Q(created_at__gt=earliest) if earliest else Q())
        whens.append(When(q, then=Value(key)))
    return Case(*whens, default=Value(""))


def grouped_counts(f: Filters, now: datetime.datetime | None = None) -> dict | None:
    """{"defect": {id: n}, …, "month": {date: n}, "open_state": {state: n}, "all": {the
    summary and age counts}} in one query on PostgreSQL; None elsewhere (then each figure
    asks for itself)."""
    if connection.vendor != "postgresql":
        return None
    now = now or timezone.now()
    months = months_of(f)
    inner = (
        tickets(f)
        .annotate(month=MonthIndex("created_at", months), age=_age_bucket(now))
        .values(*_GROUPED.values(), *_STATUS)
        .order_by()  # no sort: the index-only scan feeds the hash aggregates as it reads
    )
    sql, params = inner.query.sql_with_params()
    columns = [*_GROUPED.values(), *_STATUS]
    sets = [f"({c})" for c in _GROUPED.values()] + [f"({', '.join(_STATUS)})"]
    table = Ticket._meta.db_table
    # Only constant column names and SQL Django compiled go into the text; values are params.
    query = (
        f"SELECT GROUPING({', '.join(columns)}), {', '.join(columns)}, COUNT(*) "  # noqa: S608
        f'FROM ({sql}) AS "{table}" GROUP BY GROUPING SETS ({", ".join(sets)})'
    )
    result: dict = {dim: {} for dim in _GROUPED}
    result["open_state"] = {}
    totals = dict.fromkeys([*_SUMMARY, *(f"age_{key}" for key, *_rest in AGE_BUCKETS)], 0)
    width = len(columns)
    every = (1 << width) - 1
    status_mask = every ^ ((1 << len(_STATUS)) - 1)
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner guesses thousands of groups for the expressions (month, age) and would
        # sort the period's tickets to disk; there are a few hundred: hash them in memory.
        cursor.execute("SET LOCAL work_mem = '32MB'")
        cursor.execute(query, params)
        rows = cursor.fetchall()
    for row in rows:
        mask, values, n = row[0], row[1 : width + 1], row[width + 1]
        if mask == status_mask:
            state, safety, age = values[-3:]
            totals["logged"] += n
            if state not in CLOSED:
                totals["open"] += n
                result["open_state"][state] = result["open_state"].get(state, 0) + n
            totals["archived"] += n if state == State.ARCHIVED else 0
            totals["safety"] += n if safety else 0
            if age:
                totals[f"age_{age}"] += n
            continue
        for i, dim in enumerate(_GROUPED):
            if mask == every ^ (1 << (width - 1 - i)):
                key = values[i]
                if dim == "month":  # MonthIndex: 1 is the period's first month
                    key = months[key - 1]
                result[dim][key] = n
    result["all"] = totals
    return result


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last twelve months up to today."""
    today = today or timezone.localdate()
    start = (today.replace(day=1) - datetime.timedelta(days=330)).replace(day=1)
    return start, today


# -- figures from the summary tables (insight/models.py, refreshed by beat) -------------------


def summary_as_of() -> datetime.datetime | None:
    """When the summary tables were last brought up to date (None: never)."""
    rows = SummaryRefresh.objects.filter(name="insight").exclude(clock="")  # "": the first is running
    return rows.values_list("as_of", flat=True).first()


def _summarised(model, f: Filters) -> QuerySet:
    qs = model.objects.filter(
        ticket_created_at__gte=_start(f.date_from),
        ticket_created_at__lt=_start(f.date_to + datetime.timedelta(days=1)),
    )
    if f.product:
        qs = qs.filter(product_id=f.product.pk)
    if f.customer:
        qs = qs.filter(customer_id=f.customer.pk)
    if f.supplier:
        qs = qs.filter(supplier_id=f.supplier.pk)
    if f.department:
        qs = qs.filter(root_cause_category__in=root_causes_of(f.department))
    return qs


MONEY = DecimalField(max_digits=18, decimal_places=2)
_SUMS = {
    "sum_parts": Coalesce(Sum("parts"), Value(ZERO), output_field=MONEY),
    "sum_booked": Coalesce(Sum("booked"), Value(ZERO), output_field=MONEY),
    "sum_recovered": Coalesce(Sum("recovered"), Value(ZERO), output_field=MONEY),
    "n": Count("ticket_id"),
}


def _cost(label, row, drill="") -> Cost:
    return Cost(
        label=label,
        parts=row["sum_parts"],
        booked=row["sum_booked"],
        recovered=row["sum_recovered"],
        tickets=row["n"],
        drill=drill,
    )


_COST_GROUPS = {
    "month": "month",
    "customer": "customer_id",
    "product": "product_id",
    "supplier": "supplier_id",
}


def _cost_groups(lines: QuerySet, months: list[datetime.date]) -> dict:
    """{"all": sums, "month": {first day: sums}, "customer"|"product"|"supplier": {id: sums}},
    sums = {sum_parts, sum_booked, sum_recovered, n}: one GROUPING SETS scan on PostgreSQL;
    `months`: the months of the period the lines were filtered to (months_of)."""
    groups = {dim: {} for dim in _COST_GROUPS}
    if connection.vendor != "postgresql":
        lines = lines.annotate(month=TruncMonth("ticket_created_at")).order_by()
        groups["all"] = lines.aggregate(**_SUMS)
        for dim, column in _COST_GROUPS.items():
            for r in lines.values(column).annotate(**_SUMS):
                key = _month_key(r[column]) if dim == "month" else r[column]
                groups[dim][key] = r
        return groups
    lines = lines.annotate(month=MonthIndex("ticket_created_at", months)).order_by()
    sql, params = lines.values(
        "month", *list(_COST_GROUPS.values())[1:], "parts", "booked", "recovered"
    ).query.sql_with_params()
    columns = ", ".join(_COST_GROUPS.values())
    sets = ", ".join(f"({c})" for c in _COST_GROUPS.values())
    query = (
        f"SELECT GROUPING({columns}), {columns}, "  # noqa: S608 - constant names, compiled SQL
        "COALESCE(SUM(parts), 0), COALESCE(SUM(booked), 0), COALESCE(SUM(recovered), 0), COUNT(*) "
        f"FROM ({sql}) AS lines GROUP BY GROUPING SETS ({sets}, ())"
    )
    width = len(_COST_GROUPS)
    every = (1 << width) - 1
    groups["all"] = {"sum_parts": ZERO, "sum_booked": ZERO, "sum_recovered": ZERO, "n": 0}
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for row in cursor.fetchall():
            sums = dict(zip(("sum_parts", "sum_booked", "sum_recovered", "n"), row[width + 1 :], strict=True))
            if row[0] == every:
                groups["all"] = sums
                continue
            for i, dim in enumerate(_COST_GROUPS):
                if row[0] == every ^ (1 << (width - 1 - i)):
                    key = row[1 + i]
                    if dim == "month":  # MonthIndex: 1 is the period's first month
                        key = months[key - 1]
                    groups[dim][key] = sums
    return groups


def cost_of_poor_quality(f: Filters) -> dict:
    """cost_of_poor_quality_live's figures from the per-ticket cost lines, summed in SQL."""
    lines = _summarised(CostLine, f)
    groups = _cost_groups(lines, months_of(f))
    result = {"total": _cost(_("Total"), groups["all"])}
    result["month"] = [_cost(f"{month:%Y-%m}", r, f.drill()) for month, r in sorted(groups["month"].items())]
    for dim, model, nothing in (
        ("customer", Customer, ""),
        ("product", Product, _("no product")),
        ("supplier", Supplier, _("no supplier named")),
    ):
        rows = groups[dim]
        names = dict(model.objects.filter(pk__in=[k for k in rows if k]).values_list("pk", "name"))
        costs = [(_cost(names.get(key, "") if key else nothing, r), key) for key, r in rows.items()]
        costs = sorted(costs, key=lambda pair: (-pair[0].net, pair[0].label))[:10]
        # Links only for the ten shown (a dimension may have hundreds of members).
        result[dim] = [replace(cost, drill=f.drill(**{dim: key}) if key else "") for cost, key in costs]
    net = ExpressionWrapper(F("parts") + F("booked") - F("recovered"), output_field=MONEY)
    result["tickets"] = [
        Cost(
            label=line.number,
            parts=line.parts,
            booked=line.booked,
            recovered=line.recovered,
            tickets=1,
            drill=reverse("tickets:detail", args=[line.number]),
        )
        for line in lines.annotate(net=net).order_by("-net", "ticket_id")[:10]
    ]
    return result


def tenths(hours: float) -> int:
    """Hours in tenths, half up: the figure shown. TENTHS is the same in SQL (the same
    IEEE double arithmetic), so a stay's cell is the tenth it is shown as."""
    return math.floor(hours * 10 + 0.5)


TENTHS = Floor(F("hours") * Value(10.0) + Value(0.5))


def _whole_months(f: Filters) -> tuple[datetime.date, datetime.date] | None:
    """[first, end): the calendar months wholly inside the period, if any."""
    first = f.date_from if f.date_from.day == 1 else next_month(f.date_from)
    after = f.date_to + datetime.timedelta(days=1)
    end = after if after.day == 1 else after.replace(day=1)
    return (first, end) if first < end else None


def _stay_cells(f: Filters) -> list[tuple[str, int, int, int, float, float]]:
    """(state, actor, tenths, stays, shortest, longest) cells of the period's stays: the
    whole months from StayRollup (unless a product, customer or supplier is chosen, which
    the rollup does not carry), the rest from StepStay, grouped in SQL the same way."""
    whole = None if (f.product or f.customer or f.supplier) else _whole_months(f)
    stays = _summarised(StepStay, f)
    cells = []
    if whole:
        rolled = StayRollup.objects.filter(month__gte=whole[0], month__lt=whole[1])
        if f.department:
            rolled = rolled.filter(root_cause_category__in=root_causes_of(f.department))
        cells += rolled.values_list("state", "actor_id", "tenths").annotate(
            Sum("stays"), Min("low"), Max("high")
        )
        stays = stays.exclude(ticket_created_at__gte=_start(whole[0]), ticket_created_at__lt=_start(whole[1]))
    live = (
        stays.annotate(tenths=TENTHS)
        .values_list("state", "actor_id", "tenths")
        .annotate(Count("id"), Min("hours"), Max("hours"))
        .order_by()
    )
    cells += live
    return [(state, actor, int(t), n, low, high) for state, actor, t, n, low, high in cells]


def _cell_stats(cells: dict[int, list]) -> tuple[int, float, float]:
    """(count, median, p90) of a histogram {tenths: [stays, shortest, longest]}, exact as
    shown (to the tenth): a rank's value is its cell's tenth, except a median between two
    cells, which is the mean of the two stays next to each other (the lower cell's longest,
    the upper cell's shortest) — what statistics.median gives."""
    ordered = sorted(cells.items())
    n = sum(c[0] for _t, c in ordered)

    def at(rank: int) -> tuple[int, list]:  # 1-based
        seen = 0
        for t, cell in ordered:
            seen += cell[0]
            if seen >= rank:
                return t, cell
        raise ValueError(rank)

    if n % 2:
        median = at(n // 2 + 1)[0] / 10
    else:
        (t1, lower), (t2, upper) = at(n // 2), at(n // 2 + 1)
        median = t1 / 10 if t1 == t2 else (lower[2] + upper[1]) / 2
    p90 = at(max(1, -(-n * 90 // 100)))[0] / 10  # nearest rank, as _percentile
    return n, median, p90


def time_in_steps(f: Filters) -> dict:
    """time_in_steps_live's figures from the summaries (StayRollup and StepStay, see
    _stay_cells): per step and per step and person, count, median and p90 to the tenth."""
    by_step: dict = defaultdict(dict)
    by_person: dict = defaultdict(dict)
    for state, actor, t, n, low, high in _stay_cells(f):
        for histogram in (by_step[state], by_person[(state, actor)]):
            cell = histogram.get(t)
            if cell is None:
                histogram[t] = [n, low, high]
            else:
                cell[0], cell[1], cell[2] = cell[0] + n, min(cell[1], low), max(cell[2], high)
    return _step_times(
        f,
        {state: _cell_stats(h) for state, h in by_step.items()},
        {key: _cell_stats(h) for key, h in by_person.items()},
    )
