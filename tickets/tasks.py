"""Celery beat tasks of the tickets app."""

from celery import shared_task


@shared_task(ignore_result=True)
def capa_checks_due() -> int:
    """Beat: tell QC about CAPA effectiveness checks that have fallen due (once each)."""
    from .capa import capa_notify_due

    return capa_notify_due()
