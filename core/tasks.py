"""Celery tasks of the shared app: sending the outbox."""

import logging

from celery import shared_task
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Notification

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def send_notifications(ids: list[int]) -> None:
    for pk in ids:
        send_one(pk)


def send_one(pk: int) -> bool:
    """Claim one pending row, send it, mark it sent. A row already claimed is skipped,
    so a retried or duplicated task never mails the same person twice."""
    with transaction.atomic():
        claimed = Notification.objects.filter(pk=pk, status=Notification.Status.PENDING).update(
            status=Notification.Status.SENDING, attempts=F("attempts") + 1
        )
    if not claimed:
        return False
    row = Notification.objects.select_related("recipient").get(pk=pk)
    if not row.recipient.email:
        Notification.objects.filter(pk=pk).update(status=Notification.Status.SKIPPED)
        return False
    try:
        EmailMessage(row.subject, row.body, to=[row.recipient.email]).send()
    except Exception as exc:  # noqa: BLE001 - recorded and retried by the resend task
        log.warning("sending notification %s failed: %s", pk, exc)
        Notification.objects.filter(pk=pk).update(
            status=Notification.Status.PENDING, last_error=str(exc)[:2000]
        )
        return False
    Notification.objects.filter(pk=pk).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True
