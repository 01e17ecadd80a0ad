"""Reads: lists, "my work", one ticket with everything its page shows, the customer timeline."""

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse

from core.models import Customer, User
from core.permissions import can, roles_of
from core.timeline import TimelineEntry

from . import models as m
from .models import State, Ticket
from .sla import with_targets
from .workflow import CLOSED_STATES, CREATOR, LEAD, WAITS

LIST_RELATED = ("customer", "product", "created_by", "service_lead")


# What a list row shows: the long texts (words, paraphrase, search text) stay in the database.
_PERSON = ("username", "full_name", "first_name", "last_name")
LIST_FIELDS = (
    "number",
    "state",
    "version",
    "description",
    "severity",
    "safety",
    "created_at",
    "responded_at",
    "resolved_at",
    "pm_signed",
    "production_signed",
    "followed_up",
    "customer__code",
    "customer__name",
    "product__code",
    "product__name",
    *(f"created_by__{f}" for f in _PERSON),
    *(f"service_lead__{f}" for f in _PERSON),
)


def ticket_list() -> QuerySet[Ticket]:
    return with_targets(Ticket.objects.select_related(*LIST_RELATED).only(*LIST_FIELDS))


def _waiting_clauses(user: User, *, follow: bool = False) -> list[tuple[Q, frozenset[str]]]:
    """The workflow table's reasons to wait (workflow.WAITS) that name this user's roles, as
    filters, each with the states it names. Reasons that differ only in state are merged
    into one `state IN (…)`, so a role's clauses stay as few as written by hand."""
    roles = roles_of(user)
    states_of: dict[tuple, set[str]] = {}
    for w in WAITS:
        if w.role in roles and w.follow == follow:
            states_of.setdefault((w.person, w.when), set()).update(w.states)
    clauses = []
    for (person, when), states in states_of.items():
        ordered = [s for s in State.values if s in states]
        q = Q(state=ordered[0]) if len(ordered) == 1 else Q(state__in=ordered)
        if person == LEAD:
            q &= Q(service_lead=user)
        elif person == CREATOR:
            q &= Q(created_by=user)
        if when is not None:
            q &= when.q()
        clauses.append((q, frozenset(states)))
    return clauses


def my_work(user: User) -> QuerySet[Ticket]:
    """What waits for this user (docs/workflow.md, "Who it waits for"), oldest first: one
    query derived from the workflow table, the many-ticket form of `workflow.waits_for`."""
    q = Q(pk__in=[])
    if user.is_staff or user.is_superuser:
        q |= ~Q(state__in=[State.ARCHIVED, State.REJECTED])
    return _listed(q, _waiting_clauses(user))


def my_follow_ups(user: User) -> QuerySet[Ticket]:
    """What this user follows without being asked for anything now (sales: their own open
    complaints), oldest first; a ticket waiting for them is in `my_work` instead."""
    clauses = _waiting_clauses(user, follow=True)
    if not clauses:
        return Ticket.objects.none()
    waiting = Q(pk__in=[])
    for clause, _states in _waiting_clauses(user):
        waiting |= clause
    return _listed(Q(pk__in=[]), clauses).exclude(waiting)


def _listed(q: Q, clauses: list[tuple[Q, frozenset[str]]]) -> QuerySet[Ticket]:
    names_closed = False
    for clause, states in clauses:
        q |= clause
        names_closed = names_closed or bool(states & CLOSED_STATES)
    waiting = ticket_list().filter(q)
    if not names_closed:
        # Every condition above then names an open state. Saying so lets PostgreSQL count
        # through the state index; otherwise it picks a LIMITed sequential scan whose start
        # point varies (synchronized scans), and the page's p95 with it.
        waiting = waiting.exclude(state__in=[State.ARCHIVED, State.REJECTED])
    return waiting.order_by("created_at", "id")


def ticket_for_page(number: str) -> Ticket:
    """One ticket with every record its page shows, in a fixed number of queries."""
    by = ("created_by",)
    return (
        with_targets(Ticket.objects.all())
        .select_related("customer", "product", "shipment", "created_by", "service_lead")
        .prefetch_related(
            Prefetch("events", queryset=m.Event.objects.select_related("actor").order_by("seq")),
            Prefetch("photos", queryset=m.Photo.objects.select_related(*by)),
            Prefetch("plans", queryset=m.ServicePlan.objects.select_related(*by)),
            Prefetch("assignments", queryset=m.Assignment.objects.select_related("lead", *by)),
            Prefetch("purchases", queryset=m.PurchaseRequest.objects.select_related(*by)),
            Prefetch("qc_reviews", queryset=m.QCReview.objects.select_related(*by)),
            Prefetch("progress", queryset=m.ProgressEntry.objects.select_related(*by)),
            Prefetch("dispositions", queryset=m.Disposition.objects.select_related(*by)),
            Prefetch("signoffs", queryset=m.SignOff.objects.select_related(*by)),
            Prefetch("archives", queryset=m.ArchiveRecord.objects.select_related(*by)),
            Prefetch("followups", queryset=m.FollowUp.objects.select_related(*by)),
        )
        .get(number=number)
    )


def open_purchases() -> QuerySet[m.PurchaseRequest]:
    return (
        m.PurchaseRequest.objects.filter(status__in=["open", "ordered"])
        .select_related("ticket", "ticket__customer", "created_by")
        .order_by("created_at", "id")
    )


def customer_timeline_entries(customer: Customer, user: User):
    """The customer's complaints for the shared customer timeline (never internal notes)."""
    if not can(user, "tickets.view"):
        return []
    tickets = Ticket.objects.filter(customer=customer).only(
        "number", "state", "created_at", "description", "severity", "safety"
    )[:200]
    entries = []
    for t in tickets:
        badges = (t.get_state_display(), t.get_severity_display())
        entries.append(
            TimelineEntry(
                when=t.created_at,
                kind="ticket",
                title=t.number,
                url=reverse("tickets:detail", args=[t.number]),
                body=t.description[:200],
                badges=badges,
            )
        )
    return entries


def my_work_card(user: User):
    """Home-page card: how many tickets wait for this user."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from core.dashboard import DashboardCard
    from core.permissions import can

    if not can(user, "tickets.view"):
        return None
    return DashboardCard(title=_("My work"), count=my_work(user).count(), url=reverse("tickets:my_work"))
