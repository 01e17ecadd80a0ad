"""Reads: lists, "my work", one ticket with everything its page shows, the customer timeline."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can, roles_of
from accounts.roles import Role
from masterdata.models import Customer
from ui.dashboard import DashboardCard
from ui.timeline import TimelineEntry

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
    if not can(user, "tickets.view"):
        return None
    return DashboardCard(title=_("My work"), count=my_work(user).count(), url=reverse("tickets:my_work"))


def current_disposition(ticket: Ticket) -> m.Disposition:
    """The latest disposition form (a rework writes a new one)."""
    return m.Disposition.objects.filter(ticket=ticket).order_by("-created_at", "-id").first()
