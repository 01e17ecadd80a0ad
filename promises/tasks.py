"""Celery beat task of the promises: reminders before they fall due, escalation after."""

from celery import shared_task

from .services import commitment_send_escalations, commitment_send_reminders


@shared_task(ignore_result=True)
def commitment_reminders() -> None:
    """Beat: remind owners before promises fall due, escalate overdue ones (each once)."""
    commitment_send_reminders()
    commitment_send_escalations()
