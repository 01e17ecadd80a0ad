"""Periodic work of the tickets app (Celery beat)."""

from celery import shared_task

from .kept_photos import kept_photos_cleanup as cleanup
from .sla import sla_send_escalations


@shared_task(ignore_result=True)
def sla_escalations() -> int:
    """Mail the people responsible once for every SLA target a ticket has just overrun."""
    return sla_send_escalations()


@shared_task(ignore_result=True)
def kept_photos_cleanup() -> int:
    """Remove the photos of intake forms abandoned with errors, after a day."""
    return cleanup()
