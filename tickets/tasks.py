"""Periodic work of the tickets app (Celery beat)."""

from celery import shared_task


@shared_task(ignore_result=True)
def sla_escalations() -> int:
    """Mail the people responsible once for every SLA target a ticket has just overrun."""
    from .sla import sla_send_escalations

    return sla_send_escalations()
