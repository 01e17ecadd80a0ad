"""Reads: lists, "my work", one ticket with everything its page shows, the customer timeline."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can, roles_of
from masterdata.models import Customer
from ui.batch import fetch, fetch_together, prepared, prepared_rows
from ui.dashboard import DashboardCard
from ui.labels import choice_labels
from ui.timeline import TimelineEntry

from . import models as m
from . import sla
from .models import State, Ticket
from .next_step import people_reads
from .recorders import current_disposition  # noqa: F401  (the latest disposition form, read by capa)
from .sla import duration, with_own_targets, with_targets
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


# What the ticket page lists, by the related name it reads them through (ticket.photos.all…):
# the same SQL for every ticket, compiled once per process (ui.batch.prepared).
_BY = ("created_by",)
_PAGE_READS: dict[str, Callable[[Ticket], QuerySet]] = {
    "events": lambda t: m.Event.objects.filter(ticket=t).select_related("actor").order_by("seq"),
    "photos": lambda t: m.Photo.objects.filter(ticket=t).select_related(*_BY),
    "plans": lambda t: m.ServicePlan.objects.filter(ticket=t).select_related(*_BY),
    "assignments": lambda t: m.Assignment.objects.filter(ticket=t).select_related("lead", *_BY),
    "purchases": lambda t: m.PurchaseRequest.objects.filter(ticket=t).select_related(*_BY),
    "qc_reviews": lambda t: m.QCReview.objects.filter(ticket=t).select_related(*_BY),
    "progress": lambda t: m.ProgressEntry.objects.filter(ticket=t).select_related(*_BY),
    "dispositions": lambda t: m.Disposition.objects.filter(ticket=t).select_related(*_BY),
    "signoffs": lambda t: m.SignOff.objects.filter(ticket=t).select_related(*_BY),
    "archives": lambda t: m.ArchiveRecord.objects.filter(ticket=t).select_related(*_BY),
    "followups": lambda t: m.FollowUp.objects.filter(ticket=t).select_related(*_BY),
    "watchers": lambda t: m.Watcher.objects.filter(ticket=t).select_related("user").order_by("created_at"),
}


def _page_reads(ticket: Ticket) -> dict[str, QuerySet]:
    return {name: prepared(("tickets.page", name), build, ticket) for name, build in _PAGE_READS.items()}


def _page_ticket(number: str) -> QuerySet[Ticket]:
    return (
        with_own_targets(Ticket.objects.all())
        .select_related("customer", "product", "shipment", "created_by", "service_lead")
        .filter(number=number)
    )


def ticket_for_page(number: str, more: Callable[[Ticket], dict[str, QuerySet]] | None = None) -> Ticket:
    """One ticket with every record its page shows, in two queries: the ticket, then its
    timeline, step records and watchers together (ui.batch), with `more(ticket)`'s reads
    (the other apps' cards), whose rows are left in `ticket.page_rows`."""
    found = fetch(prepared_rows("tickets.page", _page_ticket, number))
    if not found:
        raise Ticket.DoesNotExist("Ticket matching query does not exist.")
    ticket = found[0]
    reads = _page_reads(ticket)
    waiting = people_reads(ticket)
    extra = more(ticket) if more else {}
    rows = fetch_together(
        {
            **reads,
            **{("waiting", role): qs for role, qs in waiting.items()},
            **{("more", name): qs for name, qs in extra.items()},
        }
    )
    cache = ticket.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, qs in reads.items():
        for row in rows[name]:
            row._state.fields_cache["ticket"] = ticket
        cache[name] = qs
    ticket.waiting_people = {role: rows[("waiting", role)] for role in waiting}  # for next_steps
    ticket.page_rows = {k: rows[("more", k)] for k in extra} if more else None
    return ticket


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
    if not can(user, "tickets.view"):
        return None
    return DashboardCard(title=_("My work"), count=my_work(user).count(), url=reverse("tickets:my_work"))


# -- what the ticket lists and the ticket page show: data here, markup in the templates ------
# (tickets/_table.html, tickets/_sla_badge.html). Plain values, so rendering a row is a
# handful of attribute lookups and never a query.

STATE_COLOURS = {
    "received": "primary",
    "planned": "info",
    "assigned": "info",
    "qc_review": "warning",
    "in_service": "primary",
    "confirming": "warning",
    "archived": "success",
    "rejected": "secondary",
    "reopened": "danger",
}


@dataclass(frozen=True)
class SlaBadge:
    colour: str  # Bootstrap colour: danger when breached, warning when due soon
    kind: str  # breached / soon: data-sla, read by the tests and the filter links
    title: str
    text: str


@dataclass(frozen=True)
class TicketRow:
    number: str
    url: str
    state: str
    state_colour: str
    sla: SlaBadge | None
    customer: str
    product: str
    description: str
    severity: str
    safety: bool
    lead: str
    created: str
    created_by: str


def sla_badge(ticket: Ticket, now: datetime.datetime | None = None) -> SlaBadge | None:
    """Nothing, or one badge: a breached running clock, else one due soon."""
    clock = sla.flag(ticket, now)
    if not clock:
        return None
    due = timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M")
    if clock.status == "breached":
        return SlaBadge(
            colour="danger",
            kind="breached",
            title=_("%(what)s was due %(due)s") % {"what": clock.label, "due": due},
            text=_("SLA breached: %(what)s +%(late)s")
            % {"what": clock.label, "late": duration(clock.overdue_by)},
        )
    return SlaBadge(
        colour="warning",
        kind="soon",
        title=_("%(what)s due %(due)s") % {"what": clock.label, "due": due},
        text=_("SLA due soon: %(what)s in %(left)s") % {"what": clock.label, "left": duration(clock.left)},
    )


def ticket_rows(tickets) -> list[TicketRow]:
    """The rows of a ticket list page (a page of ticket_list() or my_work(): customer,
    product, lead and author joined, SLA targets annotated). Labels come from ui.labels
    and the clock is read once per page, not per row."""
    detail = reverse("tickets:detail", args=["NUMBER"])
    states, severities = choice_labels(Ticket, "state"), choice_labels(Ticket, "severity")
    now = timezone.now()
    return [
        TicketRow(
            number=t.number,
            url=detail.replace("NUMBER", t.number),
            state=states.get(t.state, t.state),
            state_colour=STATE_COLOURS.get(t.state, "secondary"),
            sla=sla_badge(t, now),
            customer=t.customer.name,
            product=t.product.name if t.product_id and t.product.name else "—",
            description=Truncator(t.description).chars(60),
            severity=severities.get(t.severity, t.severity),
            safety=t.safety,
            lead=t.service_lead.display_name if t.service_lead_id else "—",
            created=timezone.localtime(t.created_at).strftime("%Y-%m-%d %H:%M"),
            created_by=t.created_by.display_name,
        )
        for t in tickets
    ]
