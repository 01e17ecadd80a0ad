"""Write actions on shared data: notifications (the outbox) and commitments."""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from workhours import clock

from .models import Commitment, Customer, Notification, User
from .selectors import users_with_roles

log = logging.getLogger(__name__)


def notify(
    *,
    event_key: str,
    event: str,
    recipients: Iterable[User],
    cc: Iterable[User] = (),
    template: str,
    context: dict,
    link: str = "",
    number: str = "",
) -> list[Notification]:
    """Write outbox rows for one event; send them after the surrounding transaction commits.

    `event_key` identifies the event (e.g. "ticket:12:planned:3"); with the recipient it
    makes the row's unique key, so writing the same event twice notifies nobody twice.
    `template` names a pair `<template>_subject.txt` / `<template>_body.txt`, rendered in
    each recipient's own language. `link` may be a path ("/tickets/12/"): it is made
    absolute with SITE_URL and appended to the body if the template did not show it.
    `number` is the record's number (e.g. "KS-2026-0012"): the subject always carries it.
    No network I/O happens here; a broker outage cannot fail the caller.
    """
    link = absolute_url(link)
    rows: list[Notification] = []
    seen: set[int] = set()
    for person, is_cc in [(u, False) for u in recipients] + [(u, True) for u in cc]:
        if person.pk in seen or not person.is_active:
            continue
        seen.add(person.pk)
        with translation.override(person.language or "zh-hans"):
            ctx = {**context, "recipient": person, "link": link, "number": number}
            subject = " ".join(render_to_string(f"{template}_subject.txt", ctx).split())
            body = render_to_string(f"{template}_body.txt", ctx).strip()
        if number and number not in subject:
            subject = f"[{number}] {subject}"
        if link and link not in body:
            body = f"{body}\n\n{link}"
        row, _created = Notification.objects.get_or_create(
            key=f"{event_key[:170]}:{person.pk}",  # the recipient part is never cut off
            defaults={
                "event": event[:64],
                "recipient": person,
                "cc": is_cc,
                "subject": subject[:255],
                "body": body + "\n",
                "link": link[:255],
            },
        )
        rows.append(row)
    ids = [r.pk for r in rows if r.status == Notification.Status.PENDING]
    if ids:
        from .tasks import send_notifications

        transaction.on_commit(lambda: queue_send(send_notifications, ids))
    return rows


def absolute_url(link: str) -> str:
    if link.startswith("/"):
        return settings.SITE_URL.rstrip("/") + link
    return link


def queue_send(task, ids: list[int]) -> None:
    """Hand the ids to the broker; if it is down, beat's resend picks them up later."""
    try:
        task.delay(ids)
    except Exception:  # noqa: BLE001 - a broker outage must never fail the user's action
        log.warning("broker unavailable; %s notification(s) wait for the resend task", len(ids))


@transaction.atomic
def notification_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones if `ids` is None)."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


@transaction.atomic
def notification_retry(*, ids: Iterable[int], by: User) -> int:
    """An admin sends failed (or uncertain) rows again. For an uncertain row this accepts
    that the recipient may get the mail twice: a person decided that, not a timer."""
    ids = list(
        Notification.objects.filter(
            pk__in=list(ids), status__in=[Notification.Status.FAILED, Notification.Status.UNCERTAIN]
        ).values_list("pk", flat=True)
    )
    if not ids:
        return 0
    Notification.objects.filter(pk__in=ids).update(
        status=Notification.Status.PENDING,
        attempts=0,
        next_attempt_at=None,
        claimed_at=None,
        last_error=f"retried by {by.get_username()}",
    )
    from .tasks import send_notifications

    transaction.on_commit(lambda: queue_send(send_notifications, ids))
    return len(ids)


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
        errors["due_at"] = _("The due time must be in the future.")
    if errors:
        raise ValidationError(errors)
    return Commitment.objects.create(
        owner=owner,
        created_by=by,
        description=description,
        due_at=due_at,
        customer=customer,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
    )


@transaction.atomic
def commitment_close(*, commitment: Commitment, by: User, kept: bool, outcome_note: str = "") -> Commitment:
    """Mark a promise kept (with what was said) or broken. Only its owner or their own
    manager may (commitment_may_close); who closed it is recorded."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if not commitment_may_close(commitment, by):
        raise PermissionDenied(_("Only the promise's owner or their manager may close it."))
    if commitment.status != Commitment.Status.OPEN:
        raise ValidationError(_("This promise is already closed."))
    if kept and not (outcome_note or "").strip():
        raise ValidationError({"outcome_note": _("Write down what the customer was told.")})
    commitment.status = Commitment.Status.KEPT if kept else Commitment.Status.BROKEN
    commitment.outcome_note = (outcome_note or "").strip()
    commitment.closed_at = timezone.now()
    commitment.closed_by = by
    commitment.save(update_fields=["status", "outcome_note", "closed_at", "closed_by"])
    return commitment


def commitment_may_close(commitment: Commitment, user: User) -> bool:
    """The owner, or one of the people the owner's overdue promises escalate to (their own
    managers, commitment_managers): not any manager of any team."""
    if not user.is_active:
        return False
    if user.pk == commitment.owner_id:
        return True
    return any(m.pk == user.pk for m in commitment_managers(commitment.owner))


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
    mapping = settings.COMMITMENT_ESCALATION_ROLES
    owner_roles = owner.groups.values_list("name", flat=True)
    manager_roles = {m for r in owner_roles for m in mapping.get(r, ["production_manager"])}
    managers = list(users_with_roles(*manager_roles).exclude(pk=owner.pk))
    if not managers:
        managers = list(User.objects.filter(is_active=True, is_staff=True).exclude(pk=owner.pk))
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
                template="core/notifications/commitment_reminder",
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
                template="core/notifications/commitment_escalation",
                context={"commitment": commitment},
                link=_commitment_link(commitment, "commitment-team"),
                number=_commitment_number(commitment),
            )
            sent += 1
    return sent
