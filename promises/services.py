"""Write actions on promises to customers (commitments): create, close, remind, escalate."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can, roles_of
from accounts.selectors import users_with_roles
from apperrors.exceptions import Conflict, Forbidden, Invalid
from masterdata.models import Customer
from notify.services import notify
from ui.timezones import now_label
from workhours import clock

from .models import Commitment
from .selectors import open_commitments_of


def commitment_create(
    *,
    owner: User,
    by: User,
    description: str,
    due_at: datetime.datetime,
    customer: Customer | None = None,
    source: models.Model | None = None,
) -> Commitment:
    """Record a promise to a customer. The due time must lie in the future."""
    description = (description or "").strip()
    errors = {}
    if not description:
        errors["description"] = _("Say what was promised.")
    if due_at is None:
        errors["due_at"] = _("Give the time by which the customer will hear from us.")
    elif due_at <= timezone.now():
        errors["due_at"] = _("The due time must be later than now ({now}).").format(now=now_label())
    if errors:
        raise Invalid.for_fields(errors)
    return Commitment.objects.create(
        owner=owner,
        created_by=by,
        description=description,
        due_at=due_at,
        customer=customer,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
    )


def commitment_promise(
    *, source: models.Model, by: User, description: str, due_at: datetime.datetime
) -> Commitment:
    """A call-back promise made on a record (a complaint at any step, an objection): the
    person making it owns it; the record's customer is the customer."""
    if not can(by, "commitments.make", source):
        raise Forbidden(_("Your role may not make promises to customers."))
    return commitment_create(
        owner=by,
        by=by,
        description=description,
        due_at=due_at,
        customer=getattr(source, "customer", None),
        source=source,
    )


@transaction.atomic
def commitment_close(*, commitment: Commitment, by: User, kept: bool, outcome_note: str = "") -> Commitment:
    """Mark a promise kept (with what was said) or broken. Only its owner or their own
    manager may (the "commitments.close" rule); who closed it is recorded."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if not can(by, "commitments.close", commitment):
        raise Forbidden(_("Only the promise's owner or their manager may close it."))
    if commitment.status != Commitment.Status.OPEN:
        raise Conflict(_("This promise is already closed."), code="wrong_state")
    if kept and not (outcome_note or "").strip():
        raise Invalid(_("Write down what the customer was told."), field="outcome_note")
    return _closed(commitment, by, kept=kept, note=outcome_note)


def _closed(commitment: Commitment, by: User, *, kept: bool, note: str) -> Commitment:
    """Record the locked, open promise as kept or broken, with what was said, when and by whom."""
    commitment.status = Commitment.Status.KEPT if kept else Commitment.Status.BROKEN
    commitment.outcome_note = (note or "").strip()
    commitment.closed_at = timezone.now()
    commitment.closed_by = by
    commitment.save(update_fields=["status", "outcome_note", "closed_at", "closed_by"])
    return commitment


@transaction.atomic
def commitment_reschedule(
    *, commitment: Commitment, by: User, due_at: datetime.datetime, agreement: str
) -> Commitment:
    """A new time agreed with the customer (guide §4 技巧五). The earlier promise is closed
    honestly: kept if the customer heard from us by its due time, broken if not; the new one
    (same owner, customer, record and words) is linked to it. Who may: as for closing."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if not can(by, "commitments.close", commitment):
        raise Forbidden(_("Only the promise's owner or their manager may reschedule it."))
    if commitment.status != Commitment.Status.OPEN:
        raise Conflict(_("This promise is already closed."), code="wrong_state")
    agreement = (agreement or "").strip()
    errors = {}
    if not agreement:
        errors["agreement"] = _("Write down what the customer agreed to.")
    if due_at is None:
        errors["due_at"] = _("Give the new time agreed with the customer.")
    elif due_at <= timezone.now():
        errors["due_at"] = _("The due time must be later than now ({now}).").format(now=now_label())
    if errors:
        raise Invalid.for_fields(errors)
    _closed(commitment, by, kept=timezone.now() <= commitment.due_at, note=agreement)
    return Commitment.objects.create(
        owner=commitment.owner,
        created_by=by,
        description=commitment.description,
        due_at=due_at,
        customer=commitment.customer,
        source_type=commitment.source_type,
        source_id=commitment.source_id,
        rescheduled_from=commitment,
    )


def commitments_keep_for_source(*, source, by: User, outcome_note: str) -> list[Commitment]:
    """Close as kept the open promises about `source` that `by` may close (their own, or those
    of people they manage), with what the customer was told; others stay open. A promise kept
    after its due time counts as kept late in the rates: closed_at tells."""
    kept = []
    for commitment in open_commitments_of(source):
        if can(by, "commitments.close", commitment):
            kept.append(commitment_close(commitment=commitment, by=by, kept=True, outcome_note=outcome_note))
    return kept


def _commitment_link(commitment: Commitment, fallback: str) -> str:
    source = commitment.source
    if source is not None and hasattr(source, "get_absolute_url"):
        return source.get_absolute_url()
    return reverse(fallback)


def _commitment_number(commitment: Commitment) -> str:
    """The record number in the subject: the source's number if it has one."""
    number = getattr(commitment.source, "number", "") if commitment.source_id else ""
    return str(number or f"P-{commitment.pk}")


def commitment_managers(owner: User) -> list[User]:
    """Who hears about the owner's overdue promise: the manager roles mapped from the
    owner's roles (settings.COMMITMENT_ESCALATION_ROLES), else the staff admins."""
    cached = getattr(owner, "_commitment_managers", None)  # a page asks once per promise shown
    if cached is not None:
        return cached
    mapping = settings.COMMITMENT_ESCALATION_ROLES
    manager_roles = {m for r in roles_of(owner) for m in mapping.get(r, ["production_manager"])}
    managers = list(users_with_roles(*manager_roles).exclude(pk=owner.pk))
    if not managers:
        managers = list(User.objects.filter(is_active=True, is_staff=True).exclude(pk=owner.pk))
    owner._commitment_managers = managers
    return managers


def commitment_send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind each owner once, COMMITMENT_REMIND_BEFORE ahead of an open promise's due time."""
    now = now or timezone.now()
    due = Commitment.objects.filter(
        status=Commitment.Status.OPEN,
        reminded_at__isnull=True,
        due_at__gt=now,
        # on the SLA clock: with working hours, "an hour before" Monday 09:00 is Friday 17:00
        due_at__lte=clock.add(now, settings.COMMITMENT_REMIND_BEFORE, latest=True),
    )
    sent = 0
    for commitment in due.select_related("owner", "customer"):
        with transaction.atomic():
            # The conditional UPDATE is the claim: two beat runs cannot both remind.
            if not Commitment.objects.filter(pk=commitment.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            notify(
                event_key=f"commitment:{commitment.pk}:reminder",
                event="commitment.reminder",
                recipients=[commitment.owner],
                template="promises/email/commitment_reminder",
                context={"commitment": commitment},
                link=_commitment_link(commitment, "commitments"),
                number=_commitment_number(commitment),
            )
            sent += 1
    return sent


def commitment_send_escalations(*, now: datetime.datetime | None = None) -> int:
    """Tell the owner's managers once when an open promise is overdue (owner in cc)."""
    now = now or timezone.now()
    overdue = Commitment.objects.filter(
        status=Commitment.Status.OPEN, escalated_at__isnull=True, due_at__lte=now
    )
    sent = 0
    for commitment in overdue.select_related("owner", "customer"):
        with transaction.atomic():
            if not Commitment.objects.filter(
                pk=commitment.pk, status=Commitment.Status.OPEN, escalated_at__isnull=True
            ).update(escalated_at=now):
                continue
            notify(
                event_key=f"commitment:{commitment.pk}:escalation",
                event="commitment.escalation",
                recipients=commitment_managers(commitment.owner),
                cc=[commitment.owner],
                template="promises/email/commitment_escalation",
                context={"commitment": commitment},
                link=_commitment_link(commitment, "commitment-team"),
                number=_commitment_number(commitment),
            )
            sent += 1
    return sent
