"""Write actions on the outbox: notifications written in the caller's transaction, sent after it commits."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from apperrors.exceptions import Invalid, NotFound, full_clean

from .channels import plan_robot_deliveries, robot_url_problem
from .models import Notification, NotifyPreference, RobotDelivery, RobotWebhook, render_body, render_subject
from .params import NotStorable, dump
from .tasks import send_notifications, send_robot_deliveries

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
    `template` names a pair `<template>_subject.txt` / `<template>_body.txt`; the template and
    the context (see notify.params for what it may hold) are kept, so the message is worded
    whenever it is shown or sent, in the reader's language. `link` may be a path ("/tickets/12/"): it is made
    absolute with SITE_URL and appended to the body if the template did not show it.
    `number` is the record's number (e.g. "KS-2026-0012"): the subject always carries it.
    No network I/O happens here; a broker outage cannot fail the caller.
    """
    link = absolute_url(link)
    try:
        params = {"context": dump(context), "number": number}
    except NotStorable:
        # Worded once, in each recipient's language at this moment, as before templates were kept.
        log.exception("notification %s: context not storable, its text is fixed now", event)
        template_kept, params = "", {}
    else:
        template_kept = template
    rows: list[Notification] = []
    seen: set[int] = set()
    for person, is_cc in [(u, False) for u in recipients] + [(u, True) for u in cc]:
        if person.pk in seen or not person.is_active:
            continue
        seen.add(person.pk)
        with translation.override(person.language or "zh-hans"):
            ctx = {**context, "recipient": person}
            subject = render_subject(template, ctx, number=number)
            body = render_body(template, ctx, number=number, link=link)
        row, _created = Notification.objects.get_or_create(
            key=f"{event_key[:170]}:{person.pk}",  # the recipient part is never cut off
            defaults={
                "event": event[:64],
                "recipient": person,
                "cc": is_cc,
                "template": template_kept,
                "params": params,
                "subject": subject,
                "body": body,
                "link": link[:255],
            },
        )
        rows.append(row)
    ids = [r.pk for r in rows if r.status == Notification.Status.PENDING]
    if ids:
        transaction.on_commit(lambda: queue_send(send_notifications, ids))
    robot_ids = plan_robot_deliveries(rows)  # group robots: one message per robot (docs/notify.md)
    if robot_ids:
        transaction.on_commit(lambda: queue_send(send_robot_deliveries, robot_ids))
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


def _retry(model, task, ids: Iterable[int], by: User) -> int:
    """Failed or uncertain rows of an outbox (mail or robot) back to pending, sent after commit."""
    ids = list(
        model.objects.filter(
            pk__in=list(ids), status__in=[model.Status.FAILED, model.Status.UNCERTAIN]
        ).values_list("pk", flat=True)
    )
    if not ids:
        return 0
    model.objects.filter(pk__in=ids).update(
        status=model.Status.PENDING,
        attempts=0,
        next_attempt_at=None,
        claimed_at=None,
        last_error=f"retried by {by.get_username()}",
    )
    transaction.on_commit(lambda: queue_send(task, ids))
    return len(ids)


@transaction.atomic
def notification_retry(*, ids: Iterable[int], by: User) -> int:
    """An admin sends failed (or uncertain) rows again. For an uncertain row this accepts
    that the recipient may get the mail twice: a person decided that, not a timer."""
    return _retry(Notification, send_notifications, ids, by)


@transaction.atomic
def robot_delivery_retry(*, ids: Iterable[int], by: User) -> int:
    """An admin posts failed (or uncertain) robot messages again. For an uncertain one this
    accepts that the group may see it twice: a person decided that, not a timer."""
    return _retry(RobotDelivery, send_robot_deliveries, ids, by)


PERSONAL_ROBOTS_MAX = 3


@transaction.atomic
def notify_preference_set(*, user: User, email: bool) -> NotifyPreference:
    """Whether `user` wants notifications by e-mail (the bell shows them either way)."""
    pref, _created = NotifyPreference.objects.update_or_create(user=user, defaults={"email": bool(email)})
    return pref


@transaction.atomic
def personal_robot_add(*, user: User, platform: str, name: str, url: str, secret: str = "") -> RobotWebhook:
    """A robot of the user's own (their WeCom, DingTalk or Feishu group): their notifications
    are posted there too."""
    name, url, secret = name.strip(), url.strip(), secret.strip()
    errors: dict[str, str] = {}
    if platform not in RobotWebhook.Platform.values:
        errors["platform"] = _("Choose a platform.")
    if not name:
        errors["name"] = _("Give the robot a name.")
    problem = robot_url_problem(platform, url) if platform in RobotWebhook.Platform.values else ""
    if problem:
        errors["url"] = problem
    if RobotWebhook.objects.filter(owner=user).count() >= PERSONAL_ROBOTS_MAX:
        errors["__all__"] = _("You can have at most %(n)s robots.") % {"n": PERSONAL_ROBOTS_MAX}
    if errors:
        raise Invalid.for_fields(errors)
    robot = RobotWebhook(owner=user, platform=platform, name=name, url=url, secret=secret)
    full_clean(robot)
    robot.save()
    log.info("user %s added a %s robot %s", user.pk, platform, robot.masked_url)
    return robot


@transaction.atomic
def personal_robot_remove(*, user: User, pk: int) -> None:
    """Remove one of the user's own robots; its sent messages stay in the log."""
    deleted, _rows = RobotWebhook.objects.filter(owner=user, pk=pk).delete()
    if not deleted:
        raise NotFound()
