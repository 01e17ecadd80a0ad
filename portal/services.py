"""Write actions of the customer portal. The portal's pages call these; a complaint from the
portal becomes a ticket through tickets.services.ticket_create, like one typed in by sales."""

import datetime
import hmac
import logging
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can, has_role, is_admin
from accounts.roles import Role
from apperrors.exceptions import Conflict, Forbidden, Invalid
from masterdata.models import Customer
from notify.services import notify
from tickets.models import Event, State, Ticket
from tickets.next_step import describe, next_steps
from tickets.services import ticket_create
from tickets.timeline import record_event

from .models import CustomerLink, Incident, Survey, TicketAccess

log = logging.getLogger("portal")

PORTAL_USERNAME = "portal"


def tokens_match(given: str, expected: str) -> bool:
    """Constant-time: how much of a guess was right does not show in the answer's timing."""
    return hmac.compare_digest(given.encode(), expected.encode())


def incident_record(
    *,
    kind: str,
    ip: str,
    path: str,
    detail: str = "",
    customer: Customer | None = None,
    ticket: Ticket | None = None,
) -> Incident:
    """A refused portal request, kept (and logged) so nothing a stranger sends goes unseen."""
    log.warning("portal %s from %s at %s: %s", kind, ip or "?", path[:200], detail[:200])
    return Incident.objects.create(
        kind=kind, ip=ip or None, path=path[:200], detail=detail[:2000], customer=customer, ticket=ticket
    )


def portal_user() -> User:
    """The timeline's actor for what the customer did on the portal: a user nobody signs in as."""
    user = User.objects.filter(username=PORTAL_USERNAME).first()
    if user is None:
        with translation.override(settings.LANGUAGE_CODE):
            name = _("Customer (portal)")
        user, _created = User.objects.get_or_create(
            username=PORTAL_USERNAME, defaults={"full_name": name, "is_active": False}
        )
        if _created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
    return user


@transaction.atomic
def customer_link_issue(*, customer: Customer, by: User) -> CustomerLink:
    """The customer's form link for this salesperson: theirs already active, or a new one."""
    if not can(by, "tickets.create"):
        raise Forbidden(_("Only the people who log complaints may send a customer the form link."))
    existing = (
        CustomerLink.objects.select_for_update()
        .filter(customer=customer, created_by=by, revoked_at__isnull=True)
        .first()
    )
    return existing or CustomerLink.objects.create(customer=customer, created_by=by)


def customer_link_revoke(*, link: CustomerLink, by: User) -> CustomerLink:
    """Stop a form link working (it was sent to the wrong person, or the customer left)."""
    if not (link.created_by_id == by.pk or has_role(by, Role.SALES_MANAGER) or is_admin(by)):
        raise Forbidden(_("Only who issued the link or a sales manager may revoke it."))
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def ticket_access_for(ticket: Ticket) -> TicketAccess:
    """The ticket's tracking secret, made the first time someone needs the link."""
    try:
        with transaction.atomic():
            access, _created = TicketAccess.objects.get_or_create(ticket=ticket)
    except IntegrityError:  # two pages asked at the same moment: the other one made it
        access = TicketAccess.objects.get(ticket=ticket)
    return access


def _describe(data: dict) -> str:
    lines = [
        data["what_happened"],
        "",
        f"{_('Product')}: {data.get('product_text') or '—'}",
        f"{_('Quantity')}: {data['quantity']}",
        f"{_('Site')}: {data['site']}",
    ]
    return "\n".join(lines)


@transaction.atomic
def portal_complaint_submit(
    *, link: CustomerLink, form_token: uuid.UUID, data: dict, photos: Iterable = ()
) -> Ticket:
    """A complaint the customer typed into their form link, logged as a ticket in the name of
    the link's salesperson, who is told like the managers are and owes the call-back.

    `data`: contact_name, contact_phone, what_happened, product_text, quantity, site, remedy,
    urgency. The same form token returns the ticket already saved (a re-sent form)."""
    twin = Ticket.objects.filter(intake_token=form_token).first()
    if twin is not None:
        if twin.customer_id != link.customer_id:
            raise Invalid(_("This form has expired. Please open the link again."))
        return twin
    if not link.active:
        raise Invalid(_("This link is no longer valid."))
    severity = {"normal": "low", "production": "medium", "stopped": "high", "safety": "critical"}[
        data["urgency"]
    ]
    by = link.created_by
    with translation.override(settings.LANGUAGE_CODE):  # stored text, read by the staff
        description = _describe(data)
        paraphrase = _("Sent by the customer on the portal; not yet read back to them.")
        callback_note = _("Call back the customer who complained on the portal")
    ticket = ticket_create(
        by=by,
        customer=link.customer,
        intake_token=form_token,
        photos=photos,
        callback_due_at=timezone.now() + datetime.timedelta(hours=settings.PORTAL_CALLBACK_HOURS),
        callback_note=callback_note,
        channel="portal",
        caller_name=data["contact_name"],
        caller_phone=data["contact_phone"],
        customer_words=data["what_happened"],
        description=description,
        quantity=Decimal(data["quantity"]),
        site=data["site"],
        remedy=data["remedy"],
        paraphrase=paraphrase,
        customer_confirmed=False,
        emotion="worried" if data["urgency"] in ("stopped", "safety") else "calm",
        severity=severity,
        safety=data["urgency"] == "safety",
    )
    ticket_access_for(ticket)
    created = ticket.events.filter(kind=Event.Kind.CREATED).first()
    # The intake notification the managers get, to the salesperson too: the complaint did
    # not pass through their hands, and the call-back is theirs.
    notify(
        event_key=f"ticket:{ticket.pk}:received:{created.seq}",
        event="ticket.received",
        recipients=[by],
        template="tickets/email/received",
        context={"ticket": ticket, "event": created, "actor": by, "next_step": describe(next_steps(ticket))},
        link=ticket.get_absolute_url(),
        number=ticket.number,
    )
    return ticket


@transaction.atomic
def survey_submit(*, ticket: Ticket, rating: int, comment: str = "") -> Survey:
    """The customer's rating of a closed complaint: once, on the timeline, told to sales."""
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=ticket.pk)
    if ticket.state != State.ARCHIVED:
        raise Conflict(_("You can rate the service once the complaint is closed."), code="wrong_state")
    if Survey.objects.filter(ticket=ticket).exists():
        raise Conflict(_("Thank you, your rating has already been recorded."), code="duplicate")
    errors = {}
    if rating not in range(1, 6):
        errors["rating"] = _("Choose from 1 to 5 stars.")
    comment = (comment or "").strip()
    if len(comment) > Survey._meta.get_field("comment").max_length:
        errors["comment"] = _("The comment is too long.")
    if errors:
        raise Invalid.for_fields(errors)
    survey = Survey.objects.create(ticket=ticket, rating=rating, comment=comment)
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Customer rating %(rating)s/5") % {"rating": rating}
    event = record_event(
        ticket,
        kind=Event.Kind.SURVEY,
        by=portal_user(),
        text=f"{text}\n{comment}".strip(),
    )
    notify(
        event_key=f"ticket:{ticket.pk}:survey:{event.seq}",
        event="ticket.survey",
        recipients=[ticket.created_by],
        template="portal/email/survey",
        context={"ticket": ticket, "survey": survey},
        link=ticket.get_absolute_url(),
        number=ticket.number,
    )
    return survey
