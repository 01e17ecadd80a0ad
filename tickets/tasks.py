"""Periodic work of the tickets app (Celery beat)."""

from celery import shared_task


@shared_task(ignore_result=True)
def sla_escalations() -> int:
    """Mail the people responsible once for every SLA target a ticket has just overrun."""
    from .sla import sla_send_escalations

    return sla_send_escalations()


@shared_task(ignore_result=True)
def kept_photos_cleanup() -> int:
    """Remove the photos of intake forms abandoned with errors, after a day."""
    from .kept_photos import kept_photos_cleanup as cleanup

    return cleanup()


@shared_task(ignore_result=True)
def capa_checks_due() -> int:
    """Beat: tell QC about CAPA effectiveness checks that have fallen due (once each)."""
    from .capa import capa_notify_due

    return capa_notify_due()
