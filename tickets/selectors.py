"""Reads: lists, "my work", one ticket with everything its page shows, the customer timeline."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from core.models import Customer, User
from core.permissions import can, roles_of
from core.roles import Role
from core.timeline import TimelineEntry

from . import models as m
from .models import State, Ticket
from .sla import with_targets

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


def my_work(user: User) -> QuerySet[Ticket]:
    """What waits for this user, by the roles they hold; oldest first."""
    roles = roles_of(user)
    S = State
    q = Q(pk__in=[])
    if user.is_staff or user.is_superuser:
        q |= ~Q(state__in=[S.ARCHIVED, S.REJECTED])
    if Role.SALES in roles:
        q |= Q(created_by=user) & (
            ~Q(state__in=[S.ARCHIVED, S.REJECTED]) | Q(state=S.ARCHIVED, followed_up=False)
        )
    if Role.SALES_MANAGER in roles:
        q |= Q(state=S.RECEIVED) | Q(state=S.ARCHIVED, followed_up=False)
    if Role.PROJECT_MANAGER in roles:
        q |= Q(state__in=[S.RECEIVED, S.REOPENED, S.IN_SERVICE]) | Q(state=S.CONFIRMING, pm_signed=False)
    if Role.PRODUCTION_MANAGER in roles:
        q |= Q(state=S.PLANNED) | Q(state=S.CONFIRMING, production_signed=False)
    if Role.SERVICE_LEAD in roles:
        q |= Q(service_lead=user, state__in=[S.ASSIGNED, S.IN_SERVICE])
    if Role.QC in roles:
        q |= Q(state=S.QC_REVIEW) | Q(state=S.CONFIRMING, pm_signed=True, production_signed=True)
    if Role.PURCHASING in roles:
        open_requests = m.PurchaseRequest.objects.filter(ticket=OuterRef("pk"), status="open")
        q |= Q(Exists(open_requests), state__in=[S.ASSIGNED, S.IN_SERVICE, S.QC_REVIEW])
    waiting = ticket_list().filter(q)
    if not roles & {Role.SALES, Role.SALES_MANAGER}:
        # Every condition above then names an open state. Saying so lets PostgreSQL count
        # through the state index; otherwise it picks a LIMITed sequential scan whose start
        # point varies (synchronized scans), and the page's p95 with it.
        waiting = waiting.exclude(state__in=[S.ARCHIVED, S.REJECTED])
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
    from django.utils.translation import gettext as _

    from . import sla
    from .templatetags.sla_tags import duration

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
    product, lead and author joined, SLA targets annotated). Labels come from core.labels
    and the clock is read once per page, not per row."""
    from django.utils.text import Truncator

    from core.labels import choice_labels

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


CAPA_DUE_SHOWN = 10


def capa_due_card(user: User) -> dict:
    """ "My work" of QC: the CAPA checks due (one query, and none for other roles)."""
    from .capa import capa_due

    if not can(user, "tickets.capa_verify"):
        return {"checks": []}
    checks = list(capa_due()[: CAPA_DUE_SHOWN + 1])
    return {
        "checks": checks[:CAPA_DUE_SHOWN],
        "more": len(checks) > CAPA_DUE_SHOWN,
        "today": timezone.localdate(),
    }


def capa_card(ticket: Ticket, user: User) -> dict:
    """The ticket page's CAPA checks (one query)."""
    checks = list(ticket.capa_checks.select_related("verified_by").order_by("-due_on", "-id"))
    return {"checks": checks, "may_verify": can(user, "tickets.capa_verify"), "today": timezone.localdate()}
