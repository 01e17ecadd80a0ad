"""What the portal reads: a link by its secret, and the customer's view of a ticket, made of
fields chosen one by one (never the ticket itself: no notes, costs or staff names)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Avg, Count, QuerySet

from accounts.permissions import can
from promises.selectors import open_commitments_of
from tickets.models import Ticket

from .models import CustomerLink, Survey
from .services import tokens_match
from .wording import STEPS, Stage, stage_of


def link_by_token(token: str) -> CustomerLink | None:
    """The active form link with this secret, or None (unknown, revoked, its issuer gone or
    no longer logging complaints)."""
    link = CustomerLink.objects.select_related("customer", "created_by").filter(token=token).first()
    if link is None or not tokens_match(token, link.token) or not link.active:
        return None
    if not can(link.created_by, "tickets.create"):  # the issuer no longer logs complaints
        return None
    return link


def ticket_by_tracking(number: str, token: str) -> Ticket | None:
    """The ticket whose number and tracking secret these are, or None."""
    ticket = (
        Ticket.objects.select_related("customer", "product", "portal_access")
        .filter(number=number, portal_access__isnull=False)
        .first()
    )
    if ticket is None or not tokens_match(token, ticket.portal_access.token):
        return None
    return ticket


@dataclass(frozen=True)
class CustomerView:
    number: str
    customer_name: str
    contact_name: str
    submitted_at: datetime
    product: str
    quantity: Decimal
    site: str
    customer_words: str
    stage: Stage
    steps: list[tuple[str, bool]]  # (label, reached)
    callback_due: datetime | None
    survey: Survey | None
    can_survey: bool


def customer_view(ticket: Ticket) -> CustomerView:
    stage = stage_of(ticket.state)
    promises = open_commitments_of(ticket) if not stage.closed else []
    survey = Survey.objects.filter(ticket=ticket).first()
    return CustomerView(
        number=ticket.number,
        customer_name=ticket.customer.name,
        contact_name=ticket.caller_name,
        submitted_at=ticket.created_at,
        product=ticket.product.name if ticket.product_id else "",
        quantity=ticket.quantity.normalize(),
        site=ticket.site,
        customer_words=ticket.customer_words,
        stage=stage,
        steps=[(str(label), i < stage.step) for i, label in enumerate(STEPS)],
        callback_due=promises[0].due_at if promises else None,
        survey=survey,
        can_survey=ticket.state == "archived" and survey is None,
    )


def links_of(user) -> QuerySet[CustomerLink]:
    return CustomerLink.objects.filter(created_by=user).select_related("customer", "created_by")


def survey_figures(tickets: QuerySet[Ticket] | None = None) -> dict:
    """How customers rated closed complaints on the portal: count and average (1..5)."""
    qs = Survey.objects.all() if tickets is None else Survey.objects.filter(ticket__in=tickets)
    agg = qs.aggregate(count=Count("id"), average=Avg("rating"))
    avg = agg["average"]
    return {"count": agg["count"], "average": round(float(avg), 1) if avg is not None else None}
