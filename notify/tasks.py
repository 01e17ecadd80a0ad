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

from .models import Notification

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
        message = EmailMessage(row.shown_subject, row.shown_body, to=[row.recipient.email])
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
    """Beat: give up on stale claims, then queue every pending row whose time has come."""
    now = timezone.now()
    mark_stale_claims(now)
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
