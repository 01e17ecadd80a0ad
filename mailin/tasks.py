"""Beat polls the inbound mailbox (settings.CELERY_BEAT_SCHEDULE "mailin-poll", present when
MAILIN_IMAP_HOST is set)."""

from celery import shared_task

from .poll import poll_mailbox as poll


@shared_task(ignore_result=True)
def poll_mailbox() -> dict:
    result = poll()
    return {"fetched": result.fetched, "created": result.created, "error": result.error}
