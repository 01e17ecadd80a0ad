"""Write actions on tickets. Pages and API call these; nothing else changes a ticket."""

import datetime
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can
from masterdata.models import Customer
from notify.services import notify
from promises.services import commitment_create

from . import models as m
from .errors import ConcurrentChange, MissingData, NotAllowed, WrongState
from .forms import CLASSIFICATION_FIELDS, capacities_for
from .kept_photos import photos_adopt
from .models import State, Ticket
from .photos import photo_save, validate_photo
from .selectors import current_disposition
from .signals import ticket_moved
from .timeline import people_for, record_event
from .workflow import INTAKE_CC, INTAKE_NOTIFY, TRANSITIONS, Transition


def _lock_counter(year: int) -> m.TicketCounter:
    """The year's counter row, locked until commit: intakes of one year queue here."""
    m.TicketCounter.objects.get_or_create(year=year)
    return m.TicketCounter.objects.select_for_update().get(year=year)


def _take_number(counter: m.TicketCounter) -> str:
    """KS-<year>-<6 digits>: the next number; the row lock makes it unique and gap-free."""
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"KS-{counter.year}-{counter.last:06d}"


def _notify(ticket: Ticket, event: m.Event, name: str, to: Iterable[str], cc: Iterable[str] = ()) -> None:
    to, cc = tuple(to), tuple(cc)
    if not to and not cc:
        return
    if ticket.remedy == m.Remedy.RETURN and name != "received":
        cc = (*cc, "creator")  # returns are led by sales (§3-5.2.1): keep them in the loop
    notify(
        event_key=f"ticket:{ticket.pk}:{name}:{event.seq}",
        event=f"ticket.{name}",
        recipients=people_for(to, ticket),
        cc=people_for(cc, ticket),
        template=f"tickets/email/{name}",
        context={"ticket": ticket, "event": event, "actor": event.actor},
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
    """Log a complaint (§3-5.2.1). The same intake token returns the ticket already saved."""
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
    ticket.search_text = ticket.build_search_text()
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
        except ValidationError as exc:
            raise MissingData(errors={"callback_due_at": exc.messages}) from exc
    _notify(ticket, event, "received", INTAKE_NOTIFY, INTAKE_CC)
    return ticket


def allowed_transitions(ticket: Ticket, user: User) -> list[Transition]:
    """What this user may do to this ticket now: state, role and per-action preconditions."""
    result = []
    for t in TRANSITIONS.values():
        if ticket.state not in t.sources or not can(user, t.action):
            continue
        if t.name in ("sign_off", "dispute") and not _capacities(ticket, user):
            continue
        if t.name == "archive" and not (ticket.pm_signed and ticket.production_signed):
            continue
        if t.name in ("escalate", "start_service", "submit_disposition") and not _is_lead(ticket, user):
            continue
        result.append(t)
    return result


def _is_lead(ticket: Ticket, user: User) -> bool:
    return ticket.service_lead_id == user.pk or user.is_staff or user.is_superuser


def _capacities(ticket: Ticket, user: User) -> list:
    return capacities_for(user, ticket)


def ticket_transition(
    *,
    ticket: Ticket,
    to: str,
    by: User,
    data: dict | None = None,
    expected_version: int | None = None,
    expected_state: str | None = None,
) -> Ticket:
    """Apply one row of the workflow table, or refuse it and change nothing.

    `to` names the action (see workflow.TRANSITIONS). The ticket row is locked; if its
    version or state is no longer what the user saw, someone else acted first.
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
        if (expected_version is not None and current.version != int(expected_version)) or (
            expected_state is not None and current.state != expected_state
        ):
            raise ConcurrentChange(_("The ticket has been updated by someone else."), ticket=current)
        if not can(by, transition.action):
            raise NotAllowed(_("Your role may not do this."), ticket=current)
        if current.state not in transition.sources:
            raise WrongState(
                _("“%(action)s” is not possible while the ticket is “%(state)s”.")
                % {"action": transition.label, "state": current.get_state_display()},
                ticket=current,
            )
        if transition.name in ("escalate", "start_service", "submit_disposition") and not _is_lead(
            current, by
        ):
            raise NotAllowed(_("Only the ticket's service lead may do this."), ticket=current)
        form = transition.form(data or {}, ticket=current, user=by)
        if not form.is_valid():
            errors = {k: [str(e) for e in v] for k, v in form.errors.items()}
            if transition.name in ("sign_off", "dispute") and not _capacities(current, by):
                raise WrongState(_("You have already signed this disposition form."), ticket=current)
            raise MissingData(_("Some required information is missing."), errors=errors, ticket=current)
        text = RECORDERS[transition.name](current, by, form.cleaned_data)
        before = current.state
        if transition.target:
            current.state = transition.target
        current.version += 1
        _stop_sla_clocks(current, transition.name)
        current._history_user = by
        current.save()
        event = record_event(
            current,
            kind=m.Event.Kind.SIGNOFF
            if transition.name in ("sign_off", "dispute")
            else m.Event.Kind.TRANSITION
            if transition.target
            else m.Event.Kind.PROGRESS,
            by=by,
            action=transition.name,
            from_state=before,
            to_state=current.state if transition.target else "",
            text=text,
        )
        notify_to = transition.notify
        if transition.name == "sign_off" and not (current.pm_signed and current.production_signed):
            notify_to = ()  # QC is told only once both have signed
        if transition.name == "assign" and not current.purchases.filter(status="open").exists():
            notify_to = ("lead",)
        _notify(current, event, transition.name, notify_to, transition.cc)
        # In this transaction: capa schedules (archive) or cancels (reopen) its check.
        ticket_moved.send(sender=Ticket, ticket=current, action=transition.name, by=by)
    return current


def _stop_sla_clocks(ticket: Ticket, action: str) -> None:
    """First response ends at the plan (or rejection); resolution at the archive (or
    rejection), and runs again when the ticket is reopened (tickets/sla.py)."""
    now = timezone.now()
    if action in ("plan", "reject") and ticket.responded_at is None:
        ticket.responded_at = now
    if action in ("archive", "reject"):
        ticket.resolved_at = now
    elif action == "reopen":
        ticket.resolved_at = None


# -- what each action records -------------------------------------------------------------


def _record_plan(ticket: Ticket, by: User, d: dict) -> str:
    plan = m.ServicePlan.objects.create(ticket=ticket, created_by=by, **d)
    return f"{plan.start_date} – {plan.end_date} · {plan.get_mode_display()} · {plan.scope}"


def _record_reason(ticket: Ticket, by: User, d: dict) -> str:
    ticket.reason = d["reason"]
    return d["reason"]


def _record_assign(ticket: Ticket, by: User, d: dict) -> str:
    lead = d["lead"]
    m.Assignment.objects.create(
        ticket=ticket,
        created_by=by,
        lead=lead,
        preliminary_analysis=d["preliminary_analysis"],
        tools_materials=d["tools_materials"],
    )
    ticket.service_lead = lead
    m.PurchaseRequest.objects.bulk_create(
        [m.PurchaseRequest(ticket=ticket, created_by=by, item=item) for item in d["purchase_items"]]
    )
    return _("Service lead: %(lead)s. %(analysis)s") % {
        "lead": lead.display_name,
        "analysis": d["preliminary_analysis"],
    }


def _classify(ticket: Ticket, d: dict) -> dict:
    """Take the quality classification off the form's data onto the ticket (what the
    dashboards count); a field left empty keeps what the ticket had."""
    d = dict(d)
    for name in CLASSIFICATION_FIELDS:
        value = d.pop(name, None)
        if value:
            setattr(ticket, name, value)
    return d


def _record_review(ticket: Ticket, by: User, d: dict) -> str:
    d = _classify(ticket, d)
    m.QCReview.objects.create(ticket=ticket, created_by=by, **d)
    return f"{d['root_cause']} → {d['solution']}"


def _record_progress(ticket: Ticket, by: User, d: dict) -> str:
    m.ProgressEntry.objects.create(ticket=ticket, created_by=by, text=d["text"])
    return d["text"]


def _record_disposition(ticket: Ticket, by: User, d: dict) -> str:
    d = _classify(ticket, d)
    m.Disposition.objects.create(ticket=ticket, created_by=by, **d)
    ticket.pm_signed = ticket.production_signed = False  # a new form needs both signatures again
    return d["work_done"]


def _record_signoff(ticket: Ticket, by: User, d: dict, decision: str = "approved") -> str:
    capacity = d["capacity"]
    m.SignOff.objects.create(
        ticket=ticket,
        created_by=by,
        disposition=current_disposition(ticket),
        capacity=capacity,
        decision=decision,
        comment=d.get("comment", ""),
    )
    if decision == m.SignOff.Decision.APPROVED:
        if capacity == m.SignOff.Capacity.PROJECT:
            ticket.pm_signed = True
        else:
            ticket.production_signed = True
    else:
        ticket.pm_signed = ticket.production_signed = False
    label = m.SignOff.Capacity(capacity).label
    verdict = m.SignOff.Decision(decision).label
    return f"{label}: {verdict}" + (f" — {d['comment']}" if d.get("comment") else "")


def _record_dispute(ticket: Ticket, by: User, d: dict) -> str:
    return _record_signoff(ticket, by, d, decision=m.SignOff.Decision.DISPUTED)


def _record_archive(ticket: Ticket, by: User, d: dict) -> str:
    if not (ticket.pm_signed and ticket.production_signed):
        raise MissingData(
            _("Both the project manager and the production manager must sign first."), ticket=ticket
        )
    m.ArchiveRecord.objects.create(ticket=ticket, created_by=by, **d)
    return " ".join(x for x in (d["archive_ref"], d["note"]) if x)


# A follow-up identical to the same person's last one within this window is the same one
# posted twice (a double click, a client retrying without a version): it is not recorded again.
FOLLOW_UP_REPEAT_WINDOW = datetime.timedelta(minutes=10)


def _record_follow_up(ticket: Ticket, by: User, d: dict) -> str:
    # The ticket row is locked (ticket_transition), so two posts at once are serialised here.
    last = ticket.followups.filter(created_by=by).order_by("-created_at", "-id").first()
    if (
        last is not None
        and last.note == d["note"]
        and last.satisfaction == d["satisfaction"]
        and timezone.now() - last.created_at < FOLLOW_UP_REPEAT_WINDOW
    ):
        raise ConcurrentChange(_("This follow-up has already been recorded."), ticket=ticket)
    m.FollowUp.objects.create(ticket=ticket, created_by=by, **d)
    ticket.followed_up = True
    return d["note"]


RECORDERS = {
    "plan": _record_plan,
    "reject": _record_reason,
    "reopen": _record_reason,
    "escalate": lambda ticket, by, d: d["reason"],  # the reason lives in the timeline only
    "assign": _record_assign,
    "conclude_review": _record_review,
    "start_service": _record_progress,
    "progress": _record_progress,
    "submit_disposition": _record_disposition,
    "sign_off": _record_signoff,
    "dispute": _record_dispute,
    "archive": _record_archive,
    "follow_up": _record_follow_up,
}


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
    return record_event(_locked(ticket), kind=m.Event.Kind.NOTE, by=by, text=text, internal=internal)


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
    if ticket.state not in (State.ASSIGNED, State.IN_SERVICE, State.QC_REVIEW):
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
        text=f"{request.item}: {request.get_status_display()}",
    )
    return request
