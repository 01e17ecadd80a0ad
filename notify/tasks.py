"""Celery tasks of the outbox: sending it and resending it.

Delivery is AT MOST ONCE (docs/notify.md). A row is claimed by one conditional UPDATE
(pending -> sending) committed before any network I/O; only the claimer sends it. When
the outcome of a send is unknown (connection lost mid-message, worker killed), the row is
marked uncertain for an admin and never resent by a timer.
"""

import datetime
import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F, Q
from django.utils import timezone, translation

from . import robots
from .channels import robot_message, robot_url_problem
from .message_ids import headers_for
from .models import Notification, NotifyPreference, RobotAttempt, RobotDelivery

log = logging.getLogger(__name__)

RESEND_BATCH = 500  # rows looked at per beat run
DISPATCH_CHUNK = 20  # ids per send task, so several workers share a backlog


class SendRefused(Exception):
    """The mail certainly did not leave: safe to try again later."""


class SendUncertain(Exception):
    """The mail may have left: never try again automatically."""


@shared_task(ignore_result=True)
def send_notifications(ids: list[int]) -> None:
    for pk in ids:
        send_one(pk)


def backoff(attempts: int) -> datetime.timedelta:
    """Delay before the next attempt after `attempts` failed ones: base, 2x, 4x, ... <= 6 h."""
    seconds = settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, 6 * 3600))


def send_one(pk: int) -> bool:
    """Claim one due pending row, send it, mark it sent. Returns True if this call sent it.

    A row already claimed (or sent, failed, uncertain) is left alone, so a retried or
    redelivered task never mails the same person twice.
    """
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=pk, status=Notification.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )  # autocommit: the claim is durable before anything leaves the process
    if not claimed:
        return False
    row = Notification.objects.select_related("recipient").get(pk=pk)
    if not row.recipient.email:
        _set(pk, status=Notification.Status.SKIPPED)
        return False
    if NotifyPreference.objects.filter(user=row.recipient_id, email=False).exists():
        _set(pk, status=Notification.Status.OFF)  # the bell still shows it
        return False
    try:
        _deliver(row)
    except SendRefused as exc:
        _refused(row, exc)
        return False
    except SendUncertain as exc:
        log.error("notification %s: outcome unknown, NOT resending (at most once): %s", pk, exc)
        _set(pk, status=Notification.Status.UNCERTAIN, last_error=f"uncertain: {exc}"[:2000])
        return False
    return True


def _deliver(row: Notification) -> None:
    """Send one message, telling apart 'certainly not sent' from 'maybe sent'."""
    # Worded now, in the recipient's language (notify.params); see Notification.shown_subject.
    with translation.override(row.recipient.language or "zh-hans"):
        message = EmailMessage(
            row.shown_subject, row.shown_body, to=[row.recipient.email], headers=headers_for(row.pk)
        )
    connection = get_connection()
    try:
        connection.open()  # connect, EHLO, STARTTLS, AUTH: no message byte has left yet
    except Exception as exc:
        raise SendRefused(f"{exc.__class__.__name__}: {exc}") from exc
    try:
        connection.send_messages([message])
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPResponseException) as exc:
        # The server answered with an error code: it did not accept the message.
        _close(connection)
        raise SendRefused(f"{exc.__class__.__name__}: {exc}") from exc
    except Exception as exc:
        _close(connection)
        raise SendUncertain(f"{exc.__class__.__name__}: {exc}") from exc
    # Accepted by the server: record it before anything else can fail. (If the send outlasted
    # the lease and the row was meanwhile marked uncertain, we now know better.)
    Notification.objects.filter(
        pk=row.pk, status__in=[Notification.Status.SENDING, Notification.Status.UNCERTAIN]
    ).update(status=Notification.Status.SENT, sent_at=timezone.now(), last_error="")
    _close(connection)


def _close(connection) -> None:
    try:
        connection.close()
    except Exception as exc:  # noqa: BLE001 - closing cannot change what was sent
        log.info("closing the mail connection failed: %s", exc)


def _set(pk: int, **fields) -> None:
    Notification.objects.filter(pk=pk, status=Notification.Status.SENDING).update(**fields)


def _refused(row: Notification, exc: Exception) -> None:
    if row.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        log.error(
            "notification %s to %s given up after %s attempts: %s",
            row.pk,
            row.recipient.email,
            row.attempts,
            exc,
        )
        _set(row.pk, status=Notification.Status.FAILED, last_error=str(exc)[:2000])
        return
    log.warning("notification %s attempt %s failed, will retry: %s", row.pk, row.attempts, exc)
    _set(
        row.pk,
        status=Notification.Status.PENDING,
        next_attempt_at=timezone.now() + backoff(row.attempts),
        last_error=str(exc)[:2000],
    )


def mark_stale_claims(now: datetime.datetime | None = None) -> int:
    """Rows left 'sending' past the lease belonged to a worker that died mid-send. The mail
    may have gone out, so they become uncertain (an admin decides), never pending."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.NOTIFY_SENDING_LEASE_MINUTES)
    stale = Notification.objects.filter(status=Notification.Status.SENDING).filter(
        Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True, created_at__lt=cutoff)
    )
    ids = list(stale.values_list("pk", flat=True)[:RESEND_BATCH])
    if not ids:
        return 0
    count = Notification.objects.filter(pk__in=ids, status=Notification.Status.SENDING).update(
        status=Notification.Status.UNCERTAIN,
        last_error="uncertain: the sending worker stopped before recording the outcome",
    )
    log.error("%s notification(s) stuck in 'sending' marked uncertain, not resent: %s", count, ids)
    return count


@shared_task(ignore_result=True)
def resend_notifications() -> int:
    """Beat: give up on stale claims, then queue every pending row whose time has come
    (mail and robot messages)."""
    now = timezone.now()
    mark_stale_claims(now)
    resend_robot_deliveries(now)
    grace = now - datetime.timedelta(seconds=settings.NOTIFY_RESEND_GRACE_SECONDS)
    ids = list(
        Notification.objects.filter(status=Notification.Status.PENDING, created_at__lte=grace)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:RESEND_BATCH]
    )
    for start in range(0, len(ids), DISPATCH_CHUNK):
        send_notifications.delay(ids[start : start + DISPATCH_CHUNK])
    if ids:
        log.info("resend: %s pending notification(s) queued", len(ids))
    return len(ids)


# --- group robots ---------------------------------------------------------------------------
# The same life as a mail row: claimed by one conditional UPDATE before any request leaves;
# "certainly not posted" (no connection, an HTTP error, an error code in the answer) goes back
# to pending with backoff and is given up after NOTIFY_MAX_ATTEMPTS; "maybe posted" (the
# answer timed out or the connection dropped after the request left) becomes uncertain and is
# never retried by a timer. Every try is written to RobotAttempt.


@shared_task(ignore_result=True)
def send_robot_deliveries(ids: list[int]) -> None:
    for pk in ids:
        send_robot_one(pk)


def send_robot_one(pk: int) -> bool:
    """Claim one due pending robot message, post it, record the outcome. True if it was posted."""
    now = timezone.now()
    claimed = (
        RobotDelivery.objects.filter(pk=pk, status=RobotDelivery.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=RobotDelivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )  # autocommit: the claim is durable before any request leaves
    if not claimed:
        return False
    delivery = RobotDelivery.objects.select_related("robot").get(pk=pk)
    robot = delivery.robot
    built = robot_message(delivery) if robot is not None and robot.active else None
    if built is None:
        _robot_set(pk, status=RobotDelivery.Status.SKIPPED, last_error="the robot was removed or turned off")
        return False
    problem = robot_url_problem(robot.platform, robot.url)
    if problem:  # never posted to: a configuration error, not worth retrying
        _robot_log(delivery, RobotAttempt.Outcome.FAILED, error=f"not posted: {problem}")
        _robot_set(pk, status=RobotDelivery.Status.FAILED, last_error=f"not posted: {problem}"[:2000])
        return False
    message, open_text = built
    try:
        answer = robots.post(
            robot.platform,
            robot.url,
            robot.secret,
            message,
            timeout=settings.NOTIFY_ROBOT_TIMEOUT_SECONDS,
            open_text=open_text,
        )
    except robots.NotPosted as exc:
        _robot_refused(delivery, exc)
        return False
    except Exception as exc:  # noqa: BLE001 - MaybePosted, or anything unforeseen once the request may have left
        error = str(exc) if isinstance(exc, robots.MaybePosted) else f"{exc.__class__.__name__}: {exc}"
        log.error(
            "robot message %s to %s: outcome unknown, NOT resending (at most once): %s",
            pk,
            robot.masked_url,
            error,
        )
        _robot_log(delivery, RobotAttempt.Outcome.UNCERTAIN, error=error, exc=exc)
        _robot_set(pk, status=RobotDelivery.Status.UNCERTAIN, last_error=f"uncertain: {error}"[:2000])
        return False
    # Posted: record it first. (If the post outlasted the lease and the row was meanwhile marked
    # uncertain, we now know better.)
    RobotDelivery.objects.filter(
        pk=pk, status__in=[RobotDelivery.Status.SENDING, RobotDelivery.Status.UNCERTAIN]
    ).update(status=RobotDelivery.Status.SENT, sent_at=timezone.now(), last_error="")
    _robot_log(delivery, RobotAttempt.Outcome.SENT, answer=answer)
    return True


def _robot_set(pk: int, **fields) -> None:
    RobotDelivery.objects.filter(pk=pk, status=RobotDelivery.Status.SENDING).update(**fields)


def _robot_log(
    delivery: RobotDelivery,
    outcome: str,
    *,
    error: str = "",
    answer: robots.Answer | None = None,
    exc: Exception | None = None,
) -> None:
    if answer is None and isinstance(exc, robots.RobotError):
        answer = exc.answer
    seconds = answer.seconds if answer else getattr(exc, "seconds", None)
    RobotAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        outcome=outcome,
        status_code=answer.status if answer else None,
        response=answer.body[:500] if answer else "",
        error=error[:500],
        seconds=round(seconds, 3) if seconds is not None else None,
    )


def _robot_refused(delivery: RobotDelivery, exc: robots.NotPosted) -> None:
    where = delivery.robot.masked_url if delivery.robot else delivery.robot_name
    if delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        log.error(
            "robot message %s to %s given up after %s attempts: %s",
            delivery.pk,
            where,
            delivery.attempts,
            exc,
        )
        _robot_log(delivery, RobotAttempt.Outcome.FAILED, error=str(exc), exc=exc)
        _robot_set(delivery.pk, status=RobotDelivery.Status.FAILED, last_error=str(exc)[:2000])
        return
    log.warning(
        "robot message %s to %s attempt %s failed, will retry: %s", delivery.pk, where, delivery.attempts, exc
    )
    _robot_log(delivery, RobotAttempt.Outcome.REFUSED, error=str(exc), exc=exc)
    _robot_set(
        delivery.pk,
        status=RobotDelivery.Status.PENDING,
        next_attempt_at=timezone.now() + backoff(delivery.attempts),
        last_error=str(exc)[:2000],
    )


def resend_robot_deliveries(now: datetime.datetime | None = None) -> int:
    """Stale claims become uncertain; due pending robot messages are queued again."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.NOTIFY_SENDING_LEASE_MINUTES)
    stale = list(
        RobotDelivery.objects.filter(status=RobotDelivery.Status.SENDING)
        .filter(Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True, created_at__lt=cutoff))
        .values_list("pk", flat=True)[:RESEND_BATCH]
    )
    if stale:
        count = RobotDelivery.objects.filter(pk__in=stale, status=RobotDelivery.Status.SENDING).update(
            status=RobotDelivery.Status.UNCERTAIN,
            last_error="uncertain: the sending worker stopped before recording the outcome",
        )
        log.error("%s robot message(s) stuck in 'sending' marked uncertain, not resent: %s", count, stale)
    grace = now - datetime.timedelta(seconds=settings.NOTIFY_RESEND_GRACE_SECONDS)
    ids = list(
        RobotDelivery.objects.filter(status=RobotDelivery.Status.PENDING, created_at__lte=grace)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:RESEND_BATCH]
    )
    for start in range(0, len(ids), DISPATCH_CHUNK):
        send_robot_deliveries.delay(ids[start : start + DISPATCH_CHUNK])
    if ids:
        log.info("resend: %s pending robot message(s) queued", len(ids))
    return len(ids)
