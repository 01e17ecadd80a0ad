"""What the quality dashboards count (docs/insight.md). Reads only: tickets through their
models and filters, accounting through accounting.selectors.ticket_quality_costs.

Every figure is of the tickets logged in the chosen period that match the filters; each
comes with the ticket-list query string (`drill`) that lists exactly those tickets.
"""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting.selectors import ticket_quality_costs
from accounts.models import User
from masterdata.models import Customer, Product, Supplier
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

    def drill(self, **extra) -> str:
        params = {**self.params(), **{k: v for k, v in extra.items() if v not in (None, "")}}
        return reverse("tickets:list") + "?" + urlencode(params)


def _start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


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


def per_month(f: Filters) -> list[Bar]:
    counts = {
        timezone.localtime(r["month"]).date() if isinstance(r["month"], datetime.datetime) else r["month"]: r[
            "n"
        ]
        for r in tickets(f)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    }
    bars, month = [], f.date_from.replace(day=1)
    while month <= f.date_to:
        nxt = (month + datetime.timedelta(days=32)).replace(day=1)
        last = min(nxt - datetime.timedelta(days=1), f.date_to)
        first = max(month, f.date_from)
        bars.append(
            Bar(
                label=f"{month:%Y-%m}",
                value=counts.get(month, 0),
                drill=f.drill(created_from=first.isoformat(), created_to=last.isoformat()),
            )
        )
        month = nxt
    return bars


PARETO_DIMENSIONS = ("defect", "root_cause", "product", "customer", "supplier")


def pareto(f: Filters, dimension: str, limit: int = 10) -> list[Bar]:
    """Counts by one dimension, largest first, with the cumulative share (the 80/20 line).
    Tickets not yet classified form their own bar ("not classified"), drilled to as such."""
    column = {
        "defect": "defect_type",
        "root_cause": "root_cause_category",
        "product": "product",
        "customer": "customer",
        "supplier": "supplier",
    }[dimension]
    rows = list(tickets(f).values(column).annotate(n=Count("id")).order_by("-n", column))
    total = sum(r["n"] for r in rows) or 1
    names = _names(dimension, [r[column] for r in rows if r[column] not in (None, "")])
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


def by_department(f: Filters) -> list[Bar]:
    counts = defaultdict(int)
    for cause, n in (
        tickets(f).exclude(root_cause_category="").values_list("root_cause_category").annotate(n=Count("id"))
    ):
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


def repeats(f: Filters, limit: int = 20) -> tuple[int, list[Repeat]]:
    """Tickets of the period whose product and defect already came up within
    `repeat_months` × 30 days before (any customer): how many, and the latest ones with the
    earlier ticket and the corrective action recorded there (the failure that was to be
    prevented). One pass over the keys of the tickets that can take part, in time order,
    rather than a subquery per ticket."""
    window = datetime.timedelta(days=30 * f.repeat_months)
    start, end = _start(f.date_from), _start(f.date_to + datetime.timedelta(days=1))
    candidates = (
        Ticket.objects.filter(
            product__isnull=False,
            defect_type__isnull=False,
            created_at__gte=start - window,
            created_at__lt=end,
        )
        .order_by("product_id", "defect_type_id", "created_at", "id")
        .values_list("pk", "number", "product_id", "defect_type_id", "created_at")
    )
    in_scope = set(
        tickets(f).filter(product__isnull=False, defect_type__isnull=False).values_list("pk", flat=True)
    )
    found, previous = [], None  # (later id, later created, earlier id, earlier number)
    for pk, number, product, defect, created in candidates:
        if (
            previous
            and previous[2:4] == (product, defect)
            and created - previous[4] <= window
            and pk in in_scope
        ):
            found.append((pk, created, previous[0], previous[1]))
        previous = (pk, number, product, defect, created)
    found.sort(key=lambda r: r[1], reverse=True)
    shown = found[:limit]
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
    return len(found), [
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


def open_by_age(f: Filters, now: datetime.datetime | None = None) -> list[Bar]:
    now = now or timezone.now()
    open_ = tickets(f).exclude(state__in=CLOSED)
    bars = []
    aggregates = {}
    for key, _label, _a, _b in AGE_BUCKETS:
        earliest, latest = age_range(key, now)
        q = Q(created_at__lte=latest) & (Q(created_at__gt=earliest) if earliest else Q())
        aggregates[key] = Count("id", filter=q)
    counts = open_.aggregate(**aggregates)
    for key, label, _a, _b in AGE_BUCKETS:
        bars.append(Bar(label=str(label), value=counts[key], drill=f.drill(age=key)))
    return bars


def open_by_state(f: Filters) -> list[Bar]:
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


def cost_of_poor_quality(f: Filters) -> dict:
    """The chain ticket → parts on the disposition form → quality disputes → posted vouchers,
    summed in total and per month (of intake), customer, product, supplier and ticket."""
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


def time_in_steps(f: Filters) -> dict:
    spans = step_spans(f)
    labels = choice_labels(Ticket, "state")
    by_step, by_person = defaultdict(list), defaultdict(list)
    for s in spans:
        by_step[s["state"]].append(s["hours"])
        by_person[(s["state"], s["actor"])].append(s["hours"])
    names = {u.pk: u.display_name for u in User.objects.filter(pk__in={a for _s, a in by_person})}
    steps = [
        StepTime(
            state=state,
            label=labels.get(state, state),
            who=str(STEP_DEPARTMENT.get(state, "")),
            count=len(hours),
            median_h=round(statistics.median(hours), 1),
            p90_h=round(_percentile(hours, 90), 1),
            drill=f.drill(state=state),
        )
        for state in State.values
        if (hours := by_step.get(state))
    ]
    people = sorted(
        (
            StepTime(
                state=state,
                label=labels.get(state, state),
                who=names.get(actor, "?"),
                count=len(hours),
                median_h=round(statistics.median(hours), 1),
                p90_h=round(_percentile(hours, 90), 1),
            )
            for (state, actor), hours in by_person.items()
        ),
        key=lambda s: (list(State.values).index(s.state), -s.median_h),
    )
    return {"steps": steps, "people": people}


# The department each step waits on (docs/workflow.md, "States": who the ticket waits for).
STEP_DEPARTMENT = {
    State.RECEIVED: _("Project department"),
    State.REOPENED: _("Project department"),
    State.PLANNED: _("Production (manager)"),
    State.ASSIGNED: _("Production (service lead)"),
    State.IN_SERVICE: _("Production (service lead)"),
    State.QC_REVIEW: _("Production QC"),
    State.CONFIRMING: _("Project and production managers, then QC"),
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
    aggregates = {}
    for severity, response_h, resolution_h in SlaTarget.objects.values_list(
        "severity", "first_response_hours", "resolution_hours"
    ):
        for kind, hours, stopped in (
            ("response", response_h, "responded_at"),
            ("resolution", resolution_h, "resolved_at"),
        ):
            target = datetime.timedelta(hours=float(hours))
            mine, done = Q(severity=severity), Q(**{f"{stopped}__isnull": False})
            in_time = Q(**{f"{stopped}__lte": F("created_at") + target})
            running_late = Q(**{f"{stopped}__isnull": True}) & Q(created_at__lt=now - target)
            aggregates[f"{severity}:{kind}_met"] = Count("id", filter=mine & done & in_time)
            aggregates[f"{severity}:{kind}_missed"] = Count("id", filter=mine & done & ~in_time)
            aggregates[f"{severity}:{kind}_breached"] = Count("id", filter=mine & running_late)
    for key, n in (tickets(f).aggregate(**aggregates) if aggregates else {}).items():
        severity, name = key.split(":")
        if severity in rows:
            setattr(rows[severity], name, n)
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


def summary(f: Filters) -> dict:
    qs = tickets(f)
    return qs.aggregate(
        logged=Count("id"),
        open=Count("id", filter=~Q(state__in=CLOSED)),
        archived=Count("id", filter=Q(state=State.ARCHIVED)),
        safety=Count("id", filter=Q(safety=True)),
        # The customers' own ratings on the portal (portal.Survey, 1..5), after archive.
        rated=Count("portal_survey"),
        rating=Avg("portal_survey__rating"),
    )


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last twelve months up to today."""
    today = today or timezone.localdate()
    start = (today.replace(day=1) - datetime.timedelta(days=330)).replace(day=1)
    return start, today
