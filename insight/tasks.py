"""Periodic work of the quality dashboards (Celery beat)."""

from celery import shared_task

from .services import refresh_summaries


@shared_task(ignore_result=True)
def refresh_insight_summaries(full: bool = False) -> int:
    """Beat: bring the dashboards' summary tables up to date (docs/insight.md); returns the
    number of tickets recomputed."""
    return refresh_summaries(full=full).tickets
