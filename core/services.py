"""Write actions on shared data: notifications (the outbox) and commitments."""

import datetime
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Commitment, Customer, Notification, User


def notify(
    *,
    event_key: str,
    event: str,
    recipients: Iterable[User],
    cc: Iterable[User] = (),
    template: str,
    context: dict,
    link: str = "",
) -> list[Notification]:
    """Write outbox rows for one event; send them after the surrounding transaction commits.

    `event_key` identifies the event (e.g. "ticket:12:planned:3"); with the recipient it
    makes the row's unique key, so writing the same event twice notifies nobody twice.
    `template` names a pair `<template>_subject.txt` / `<template>_body.txt`, rendered in
    each recipient's own language.
    """
    rows: list[Notification] = []
    seen: set[int] = set()
    for person, is_cc in [(u, False) for u in recipients] + [(u, True) for u in cc]:
        if person.pk in seen or not person.is_active:
            continue
        seen.add(person.pk)
        with translation.override(person.language or "zh-hans"):
            ctx = {**context, "recipient": person, "link": link}
            subject = " ".join(render_to_string(f"{template}_subject.txt", ctx).split())
            body = render_to_string(f"{template}_body.txt", ctx)
        row, _created = Notification.objects.get_or_create(
            key=f"{event_key}:{person.pk}",
            defaults={
                "event": event,
                "recipient": person,
                "cc": is_cc,
                "subject": subject[:255],
                "body": body,
                "link": link,
            },
        )
        rows.append(row)
    ids = [r.pk for r in rows if r.status == Notification.Status.PENDING]
    if ids:
        from .tasks import send_notifications

        transaction.on_commit(lambda: _queue(send_notifications, ids))
    return rows


def _queue(task, ids: list[int]) -> None:
    """Hand the ids to the broker; if it is down, beat's resend picks them up later."""
    import logging

    try:
        task.delay(ids)
    except Exception:  # noqa: BLE001 - a broker outage must never fail the user's action
        logging.getLogger(__name__).warning("broker unavailable; %s notifications wait", len(ids))


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
    """Mark a promise kept (with what was said) or broken. Only its owner or a manager may."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status != Commitment.Status.OPEN:
        raise ValidationError(_("This promise is already closed."))
    if kept and not (outcome_note or "").strip():
        raise ValidationError({"outcome_note": _("Write down what the customer was told.")})
    commitment.status = Commitment.Status.KEPT if kept else Commitment.Status.BROKEN
    commitment.outcome_note = (outcome_note or "").strip()
    commitment.closed_at = timezone.now()
    commitment.save(update_fields=["status", "outcome_note", "closed_at"])
    return commitment
