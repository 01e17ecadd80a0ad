"""SLA clocks of complaint tickets (issue 4 §3; docs/notify.md "SLA").

Two clocks per ticket, both started at intake (`created_at`), measured on the clock that
`settings.SLA_CLOCK` chooses (workhours/clock.py): wall-clock hours by default (nights,
weekends and holidays count: a customer whose well is stopped waits through them too), or
the plant calendar's working hours:

- first response: stops when the project manager plans the service or the ticket is
  rejected (`Ticket.responded_at`, set once);
- resolution: stops when QC archives the ticket or it is rejected (`Ticket.resolved_at`;
  a reopened ticket's clock runs again, still from intake).

Targets per severity live in `SlaTarget` (admin). Lists read them once and put them on
the ticket query as CASE constants (`with_targets`), so a page of 50 tickets costs one
extra query in all; the status of each clock is then plain arithmetic in Python.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from notify.params import param_type
from notify.services import notify
from workhours import clock as workclock

from .models import SlaEscalation, SlaTarget, State, Ticket
from .timeline import people_for

# Seeded by migration 0003 (wall-clock hours); change them in the admin.
DEFAULT_TARGETS = {
    # severity: (first response, resolution, warn when less than this % is left)
    "critical": (Decimal("2"), Decimal("72"), 20),
    "high": (Decimal("4"), Decimal("168"), 20),
    "medium": (Decimal("24"), Decimal("336"), 20),
    "low": (Decimal("48"), Decimal("720"), 20),
}

CLOSED = (State.ARCHIVED, State.REJECTED)

OK, SOON, BREACHED, MET, MISSED = "ok", "soon", "breached", "met", "missed"
KIND_LABELS = {
    SlaEscalation.Kind.RESPONSE: _("First response"),
    SlaEscalation.Kind.RESOLUTION: _("Resolution"),
}


def with_targets(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The ticket's targets as annotated columns: the SLA costs a list one small query for
    the (four) targets, whatever the page size, and no query per row. The values go into
    the SQL as CASE constants, so the capped COUNT of a list stays as cheap as before."""
    targets = list(
        SlaTarget.objects.values_list("severity", "first_response_hours", "resolution_hours", "warn_percent")
    )
    fields = {
        "sla_response_hours": (1, DecimalField(max_digits=7, decimal_places=2)),
        "sla_resolution_hours": (2, DecimalField(max_digits=7, decimal_places=2)),
        "sla_warn_percent": (3, IntegerField()),
    }
    annotations = {}
    for name, (i, field) in fields.items():
        whens = [When(severity=row[0], then=Value(row[i], output_field=field)) for row in targets]
        annotations[name] = Case(*whens, default=Value(None, output_field=field), output_field=field)
    return qs.annotate(**annotations)


def with_own_targets(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The same columns as with_targets, read by subqueries in the ticket's own query: for a
    page about one ticket, one query fewer than fetching the targets first."""
    own = SlaTarget.objects.filter(severity=OuterRef("severity"))
    return qs.annotate(
        sla_response_hours=Subquery(own.values("first_response_hours")[:1]),
        sla_resolution_hours=Subquery(own.values("resolution_hours")[:1]),
        sla_warn_percent=Subquery(own.values("warn_percent")[:1]),
    )


@param_type  # a breach e-mail's parameter (notify.params)
@dataclass(frozen=True)
class Clock:
    kind: str  # SlaEscalation.Kind
    target: datetime.timedelta
    due_at: datetime.datetime
    stopped_at: datetime.datetime | None
    status: str  # ok, soon, breached (running) or met, missed (stopped)
    left: datetime.timedelta  # negative once overdue

    @property
    def label(self):
        return KIND_LABELS[self.kind]

    @property
    def running(self) -> bool:
        return self.stopped_at is None

    @property
    def overdue_by(self) -> datetime.timedelta:
        return -self.left


def _targets_of(ticket: Ticket) -> tuple | None:
    if hasattr(ticket, "sla_response_hours"):
        hours = (ticket.sla_response_hours, ticket.sla_resolution_hours, ticket.sla_warn_percent)
    else:  # not loaded through with_targets(): one query
        hours = (
            SlaTarget.objects.filter(severity=ticket.severity)
            .values_list("first_response_hours", "resolution_hours", "warn_percent")
            .first()
        )
    if not hours or hours[0] is None:
        return None  # no target for this severity: no clock
    return hours


def _clock(kind, start, hours, warn_percent, stopped_at, now) -> Clock:
    target = datetime.timedelta(hours=float(hours))
    due = workclock.add(start, target)
    end = stopped_at or now
    left = target - workclock.elapsed(start, end)  # on the SLA clock: working hours if so set
    if stopped_at is not None:
        status = MET if left >= datetime.timedelta(0) else MISSED
    elif left < datetime.timedelta(0):
        status = BREACHED
    elif left <= target * (warn_percent / 100):
        status = SOON
    else:
        status = OK
    return Clock(kind=kind, target=target, due_at=due, stopped_at=stopped_at, status=status, left=left)


def clocks(ticket: Ticket, now: datetime.datetime | None = None) -> list[Clock]:
    """The ticket's two clocks (none if its severity has no target)."""
    hours = _targets_of(ticket)
    if hours is None:
        return []
    now = now or timezone.now()
    response_h, resolution_h, warn = hours
    return [
        _clock(SlaEscalation.Kind.RESPONSE, ticket.created_at, response_h, warn, ticket.responded_at, now),
        _clock(SlaEscalation.Kind.RESOLUTION, ticket.created_at, resolution_h, warn, ticket.resolved_at, now),
    ]


def flag(ticket: Ticket, now: datetime.datetime | None = None) -> Clock | None:
    """The running clock a list should flag: a breached one first, else one due soon."""
    if ticket.state in CLOSED:
        return None  # closed is closed, even if a stop time is missing (rows loaded by hand)
    running = [c for c in clocks(ticket, now) if c.running and c.status in (BREACHED, SOON)]
    running.sort(key=lambda c: (c.status != BREACHED, c.due_at))
    return running[0] if running else None


@dataclass(frozen=True)
class StateTime:
    state: str
    label: str
    total: datetime.timedelta
    visits: int
    current: bool


def time_in_states(ticket: Ticket, events, now: datetime.datetime | None = None) -> list[StateTime]:
    """Time spent in each state, from the timeline's state changes (intake included).

    Time in a closed state the ticket still sits in (archived, rejected) is not counted:
    it is the end, not a step.
    """
    now = now or timezone.now()
    changes = [
        # the intake counts from the ticket's own time, as the SLA clocks do
        (ticket.created_at if e.kind == "created" else e.created_at, e.to_state)
        for e in sorted(events, key=lambda e: e.seq)
        if e.to_state
    ]
    totals: dict[str, list] = {}
    for i, (at, state) in enumerate(changes):
        last = i == len(changes) - 1
        if last and state in CLOSED:
            continue
        until = now if last else changes[i + 1][0]
        entry = totals.setdefault(state, [datetime.timedelta(0), 0])
        entry[0] += max(workclock.elapsed(at, until), datetime.timedelta(0))
        entry[1] += 1
    current = changes[-1][1] if changes else ""
    order = {s: i for i, s in enumerate(State.values)}
    return [
        StateTime(state=s, label=State(s).label, total=t, visits=n, current=s == current)
        for s, (t, n) in sorted(totals.items(), key=lambda kv: order.get(kv[0], 99))
    ]


# -- escalation (Celery beat: tickets.tasks.sla_escalations) ---------------------------------

ESCALATION_BATCH = 500  # tickets looked at per target and run; the next run takes the rest

# Who hears of a breach. First response: the roles that plan or reject a new complaint.
# Resolution: the two managers who sign the disposition off. The ticket's own people
# (the sales person who logged it; the service lead once there is one) are copied.
ESCALATE_TO = {
    SlaEscalation.Kind.RESPONSE: ("project_manager", "sales_manager"),
    SlaEscalation.Kind.RESOLUTION: ("production_manager", "project_manager"),
}
ESCALATE_CC = ("creator", "lead")


def breached_tickets(kind: str, now: datetime.datetime) -> QuerySet[Ticket]:
    """Open tickets whose `kind` clock has run past its target and that were not escalated."""
    stopped = "responded_at" if kind == SlaEscalation.Kind.RESPONSE else "resolved_at"
    hours_field = "first_response_hours" if kind == SlaEscalation.Kind.RESPONSE else "resolution_hours"
    qs = Ticket.objects.none()
    for severity, hours in SlaTarget.objects.values_list("severity", hours_field):
        qs |= Ticket.objects.filter(
            severity=severity,
            created_at__lte=workclock.subtract(now, hours),
            **{f"{stopped}__isnull": True},
        )
    return with_targets(
        qs.exclude(state__in=CLOSED)
        .exclude(sla_escalations__kind=kind)
        .select_related("customer", "created_by", "service_lead")
        .order_by("created_at", "id")
    )


def sla_send_escalations(*, now: datetime.datetime | None = None) -> int:
    """Mail each breach once: per ticket and target, an SlaEscalation row is the claim.

    The row and the outbox rows are written in one transaction; a second run (or a second
    beat racing this one) finds the row, or loses on its unique constraint, and sends
    nothing. The outbox key `ticket:<id>:sla:<kind>` is a second guard.
    """
    now = now or timezone.now()
    sent = 0
    for kind in SlaEscalation.Kind.values:
        for ticket in breached_tickets(kind, now)[:ESCALATION_BATCH]:
            clock = next((c for c in clocks(ticket, now) if c.kind == kind), None)
            if clock is None or clock.status != BREACHED:
                continue
            try:
                with transaction.atomic():
                    SlaEscalation.objects.create(ticket=ticket, kind=kind, due_at=clock.due_at)
                    to = people_for(ESCALATE_TO[kind], ticket)
                    if not to:  # nobody holds the role: the admins hear of it rather than nobody
                        to = list(User.objects.filter(is_staff=True, is_active=True))
                    ids = {u.pk for u in to}
                    notify(
                        event_key=f"ticket:{ticket.pk}:sla:{kind}",
                        event=f"ticket.sla_{kind}",
                        recipients=to,
                        cc=[u for u in people_for(ESCALATE_CC, ticket) if u.pk not in ids],
                        template="tickets/email/sla_breach",
                        context={"ticket": ticket, "clock": clock, "now": now},
                        link=settings.SITE_URL.rstrip("/") + ticket.get_absolute_url(),
                        number=ticket.number,
                    )
            except IntegrityError:
                continue  # another run escalated it first
            sent += 1
    return sent


def status_q(status: str, now: datetime.datetime | None = None) -> Q:
    """Open tickets with a running clock `breached`, or `soon` (due soon, none breached),
    as one WHERE clause: the list filter and the API use it (targets read once)."""
    now = now or timezone.now()
    breached, soon = Q(pk__in=[]), Q(pk__in=[])
    for severity, response_h, resolution_h, warn in SlaTarget.objects.values_list(
        "severity", "first_response_hours", "resolution_hours", "warn_percent"
    ):
        for hours, stopped in ((response_h, "responded_at"), (resolution_h, "resolved_at")):
            target = datetime.timedelta(hours=float(hours))
            running = Q(severity=severity, **{f"{stopped}__isnull": True})
            breached |= running & Q(created_at__lt=workclock.subtract(now, target))
            warned = workclock.subtract(now, target * (1 - warn / 100), latest=True)
            soon |= running & Q(created_at__lte=warned)
    open_ = ~Q(state__in=CLOSED)
    if status == BREACHED:
        return open_ & breached
    return open_ & soon & ~breached


def duration(value: datetime.timedelta | None) -> str:
    """'2 d 3 h', '5 h 20 min', '12 min': the two largest units, never negative."""
    if value is None:
        return ""
    minutes = int(abs(value).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(gettext("%(n)d d") % {"n": days})
    if hours:
        parts.append(gettext("%(n)d h") % {"n": hours})
    if minutes and not days:
        parts.append(gettext("%(n)d min") % {"n": minutes})
    return " ".join(parts[:2]) or gettext("%(n)d min") % {"n": 0}
