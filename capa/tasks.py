"""Periodic work of the CAPA checks (Celery beat)."""

from celery import shared_task

from .services import capa_notify_due


@shared_task(ignore_result=True)
def capa_checks_due() -> int:
    """Beat: tell QC about CAPA effectiveness checks that have fallen due (once each)."""
    return capa_notify_due()
