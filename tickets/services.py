"""Write actions on tickets. Pages and API call these; nothing else changes a ticket."""

import datetime
import re
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can
from apperrors.exceptions import Invalid
from masterdata.models import Customer
from notify.services import notify
from promises.services import commitment_create

from . import models as m
from .errors import ConcurrentChange, MissingData, NotAllowed, WrongState
from .kept_photos import photos_adopt
from .models import State, Ticket
from .next_step import NextStepsLine, next_steps
from .photos import photo_save, validate_photo
from .timeline import Said, people_for, record_event
from .workflow import (
    INTAKE_NOTIFY,
    PURCHASE_STATES,
    REMEDY_CC,
    TRANSITIONS,
    Transition,
    intake_cc,
)


def _lock_counter(year: int) -> m.TicketCounter:
    """The year's counter row, locked until commit: intakes of one year queue here."""
    m.TicketCounter.objects.get_or_create(year=year)
    return m.TicketCounter.objects.select_for_update().get(year=year)


def _take_number(counter: m.TicketCounter) -> str:
    """KS-<year>-<6 digits>: the next number; the row lock makes it unique and gap-free."""
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"KS-{counter.year}-{counter.last:06d}"


def _notify(
    ticket: Ticket,
    event: m.Event,
    name: str,
    to: Iterable[str],
    cc: Iterable[str] = (),
    mentioned: Iterable[User] = (),
) -> None:
    """Tell the step's people (role slugs), those its remedy brings in, the people @mentioned
    and the ticket's watchers — never the one who acted."""
    to, cc = tuple(to), tuple(cc)
    if (to or cc) and name not in (
        "received",
        "note",
    ):  # who the remedy brings in (docs/workflow.md, "Notifications")
        cc = (*cc, *REMEDY_CC.get(ticket.remedy, ()))
    watchers = [w.user for w in ticket.watchers.select_related("user").exclude(user_id=event.actor_id)]
    recipients = [*people_for(to, ticket), *(u for u in mentioned if u.pk != event.actor_id)]
    cc_people = [*people_for(cc, ticket), *watchers]
    if not recipients and not cc_people:
        return
    notify(
        event_key=f"ticket:{ticket.pk}:{name}:{event.seq}",
        event=f"ticket.{name}",
        recipients=recipients,
        cc=cc_people,
        template=f"tickets/email/{name}",
        context={
            "ticket": ticket,
            "event": event,
            "actor": event.actor,
            "next_step": NextStepsLine(next_steps(ticket)),
            "mentioned_ids": sorted(u.pk for u in mentioned),
        },
        link=settings.SITE_URL.rstrip("/") + ticket.get_absolute_url(),
    )


def _validated_photos(photos) -> list:
    try:
        return [validate_photo(p) for p in photos]
    except ValidationError as exc:
        raise MissingData(exc.messages[0], errors={"photos": exc.messages}) from exc


@transaction.atomic
def ticket_create(
    *,
    by: User,
    customer: Customer,
    intake_token: uuid.UUID | None = None,
    photos: Iterable = (),
    callback_due_at: datetime.datetime | None = None,
    callback_note: str = "",
    **fields,
) -> Ticket:
    """Log a complaint (docs/workflow.md, "Intake").

    The same intake token returns the ticket already saved."""
    if not can(by, "tickets.create"):
        raise NotAllowed()
    if intake_token:
        existing = Ticket.objects.filter(intake_token=intake_token).first()
        if existing:
            return existing
    photos = _validated_photos(photos)
    shipment = fields.get("shipment")
    if shipment is not None:
        if shipment.customer_id != customer.pk:
            raise MissingData(
                _("This shipment went to another customer."),
                errors={"shipment": [_("This shipment went to another customer.")]},
            )
        # The shipment is the record of truth for what was sent and when.
        fields.update(
            product=shipment.product,
            lot_number=shipment.lot_number,
            ship_date=shipment.ship_date,
            order_number=shipment.order_number or fields.get("order_number", ""),
        )
    fields["cc_departments"] = intake_cc(fields.get("remedy", ""), fields.get("cc_departments") or ())
    ticket = Ticket(customer=customer, created_by=by, state=State.RECEIVED, **fields)
    if intake_token:
        ticket.intake_token = intake_token
    ticket.number = "pending"
    try:
        ticket.full_clean(exclude=["number", "intake_token"])
    except ValidationError as exc:
        raise MissingData(errors=exc.message_dict) from exc
    counter = _lock_counter(timezone.localdate().year)
    if intake_token:
        # A twin submission may have committed while we waited for the lock.
        existing = Ticket.objects.filter(intake_token=intake_token).first()
        if existing:
            return existing
    ticket.number = _take_number(counter)
    try:
        with transaction.atomic():
            ticket._history_user = by  # field history says who, also outside a request
            ticket.save()
    except IntegrityError:
        # The same form submitted twice at the same moment: the first one won.
        existing = Ticket.objects.filter(intake_token=intake_token).first()
        if existing:
            return existing
        raise
    event = record_event(
        ticket, kind=m.Event.Kind.CREATED, by=by, to_state=State.RECEIVED, text=ticket.description[:500]
    )
    for upload in photos:
        photo_save(ticket, upload, by)
    if intake_token:  # photos kept from an earlier try of this form
        photos_adopt(ticket=ticket, by=by, intake_token=intake_token)
    if callback_due_at:
        try:
            commitment_create(
                owner=by,
                by=by,
                description=callback_note or _("Call the customer back"),
                due_at=callback_due_at,
                customer=customer,
                source=ticket,
            )
        except Invalid as exc:
            raise MissingData(errors={"callback_due_at": exc.errors.get("due_at") or [exc.message]}) from exc
    _notify(ticket, event, "received", INTAKE_NOTIFY, ticket.cc_departments)
    return ticket


def allowed_transitions(ticket: Ticket, user: User) -> list[Transition]:
    """What this user may do to this ticket now: the rows whose state, role and guards pass."""
    return [
        t
        for t in TRANSITIONS.values()
        # can() with the ticket: the role and the action's object rule (tickets.predicates);
        # the refusal: the row's guards (the same predicates, plus e.g. both signatures)
        if ticket.state in t.sources and can(user, t.action, ticket) and t.refusal(ticket, user) is None
    ]


def ticket_transition(
    *,
    ticket: Ticket,
    to: str,
    by: User,
    data: dict | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """Apply one row of the workflow table (docs/workflow.md), or refuse it and change nothing.

    `to` names the action (see workflow.TRANSITIONS). The ticket row is locked; if its
    version is no longer the one the user saw, someone else acted first. Then, in this
    order: role (NotAllowed), state (WrongState), the row's guards (each its own error),
    the row's form (MissingData); the recorder writes the step record, the effects change
    the ticket, the timeline entry and the notifications follow, then the effects that add
    records of their own.
    """
    transition = TRANSITIONS.get(to)
    if transition is None:
        raise WrongState(_("Unknown action."))
    with transaction.atomic():
        current = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("created_by", "service_lead", "customer")
            .get(pk=ticket.pk)
        )
        if expected_version is not None and current.version != int(expected_version):
            raise ConcurrentChange(_("The ticket has been updated by someone else."), ticket=current)
        if not can(by, transition.action):
            raise NotAllowed(_("Your role may not do this."), ticket=current)
        if current.state not in transition.sources:
            raise WrongState(
                _("“%(action)s” is not possible while the ticket is “%(state)s”.")
                % {"action": transition.label, "state": current.get_state_display()},
                ticket=current,
            )
        refusal = transition.refusal(current, by)
        if refusal is not None:
            raise refusal
        form = transition.form(data or {}, ticket=current, user=by)
        if not form.is_valid():
            errors = {k: [str(e) for e in v] for k, v in form.errors.items()}
            raise MissingData(_("Some required information is missing."), errors=errors, ticket=current)
        data = form.cleaned_data
        text = transition.record(current, by, data)
        before = current.state
        if transition.target:
            current.state = transition.target
        current.version += 1
        for effect in transition.effects:
            if not effect.after_event:
                effect.apply(current, by, data)
        current._history_user = by
        current.save()
        event = record_event(
            current,
            kind=transition.event,
            by=by,
            action=transition.name,
            from_state=before,
            to_state=current.state if transition.target else "",
            text=text,
        )
        _notify(current, event, transition.name, transition.recipients(current), transition.cc)
        for effect in transition.effects:
            if effect.after_event:
                effect.apply(current, by, data)
    return current


# -- notes, photos, purchases ----------------------------------------------------------------


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


@transaction.atomic
def note_add(*, ticket: Ticket, by: User, text: str, internal: bool = False) -> m.Event:
    if not can(by, "tickets.note"):
        raise NotAllowed()
    text = (text or "").strip()
    if not text:
        raise MissingData(_("Write the note first."), errors={"text": [_("Write the note first.")]})
    mentioned = mentioned_users(text)
    event = record_event(_locked(ticket), kind=m.Event.Kind.NOTE, by=by, text=text, internal=internal)
    _notify(ticket, event, "note", (), mentioned=mentioned)
    return event


# "@username" in a note: not after a letter or "@", so an e-mail address is no mention.
MENTION = re.compile(r"(?<![\w@])@([\w.+-]+)")


def mentioned_users(text: str) -> list[User]:
    """The active users a note names as @username. A name nobody has is refused, with the
    names, so a typo does not leave a colleague silently uninformed."""
    names = {n.rstrip(".") for n in MENTION.findall(text)}
    if not names:
        return []
    found = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
    unknown = sorted(names - found.keys())
    if unknown:
        message = _("Nobody has the user name %(names)s; check the spelling.") % {
            "names": "、".join(f"@{n}" for n in unknown)
        }
        raise MissingData(message, errors={"text": [message]})
    return list(found.values())


@transaction.atomic
def ticket_watch(*, ticket: Ticket, by: User, watching: bool = True) -> bool:
    """Start (or stop) watching a ticket: a watcher is told of every step and note. Doing it
    twice changes nothing. Returns whether `by` watches it now."""
    if not can(by, "tickets.watch", ticket):
        raise NotAllowed()
    if watching:
        m.Watcher.objects.get_or_create(ticket=ticket, user=by)
    else:
        m.Watcher.objects.filter(ticket=ticket, user=by).delete()
    return watching


@transaction.atomic
def photo_add(*, ticket: Ticket, by: User, photos: Iterable) -> list[m.Photo]:
    if not can(by, "tickets.note"):
        raise NotAllowed()
    photos = _validated_photos(list(photos))
    if not photos:
        raise MissingData(
            _("Choose at least one photo."), errors={"photos": [_("Choose at least one photo.")]}
        )
    ticket = _locked(ticket)
    saved = [photo_save(ticket, p, by) for p in photos]
    record_event(ticket, kind=m.Event.Kind.ATTACHMENT, by=by, text=", ".join(p.original_name for p in saved))
    return saved


@transaction.atomic
def purchase_request_add(
    *, ticket: Ticket, by: User, item: str, quantity=1, needed_by=None
) -> m.PurchaseRequest:
    if not can(by, "tickets.purchase_request"):
        raise NotAllowed()
    ticket = _locked(ticket)
    if ticket.state not in PURCHASE_STATES:
        raise WrongState()
    request = m.PurchaseRequest.objects.create(
        ticket=ticket, created_by=by, item=item, quantity=quantity, needed_by=needed_by
    )
    event = record_event(ticket, kind=m.Event.Kind.PURCHASE, by=by, text=f"{item} × {quantity}")
    _notify(ticket, event, "purchase", ["purchasing"])
    return request


@transaction.atomic
def purchase_request_update(*, request: m.PurchaseRequest, by: User, status: str) -> m.PurchaseRequest:
    if not can(by, "tickets.purchasing"):
        raise NotAllowed()
    request = m.PurchaseRequest.objects.select_for_update().get(pk=request.pk)
    if status not in m.PurchaseRequest.Status.values or request.status in ("received", "cancelled"):
        raise WrongState()
    request.status = status
    request.status_changed_at = timezone.now()
    request.save(update_fields=["status", "status_changed_at"])
    record_event(
        _locked(request.ticket),
        kind=m.Event.Kind.PURCHASE,
        by=by,
        text=Said("purchase_status", {"item": request.item, "status": status}),
    )
    return request
