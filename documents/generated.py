"""Files the server builds for someone in the background (journal exports, report PDFs):
the two pieces every such job shares, so accounting and insight need not import each other.

`enqueue` hands the job to the worker and never fails the request: with the broker down it
logs and answers False, the job row stays waiting and the caller tells the user (a sweep
or a later retry sends it once the broker is back). `file_response` streams a stored file
through Django (local disk or S3 alike, through the storage API) as an attachment, after
the caller's own permission check: the storage itself is never exposed.

`JobSweep` is the rest of the life of such a job, whatever its model: the send that records
`sent_at`, the claim of a run (one conditional UPDATE, so a job sent twice is built once at a
time) and the beat sweep that sends what waits for no message — never sent (the broker was
down), sent long ago and never started (the message was lost), or running past the lease (its
worker died) — and fails a job after `max_attempts` interrupted runs.
"""

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils import timezone

log = logging.getLogger(__name__)

RESEND_GRACE = datetime.timedelta(seconds=30)  # younger unsent jobs belong to the request's own send
LEASE = datetime.timedelta(minutes=15)
MAX_ATTEMPTS = 3
RESEND_BATCH = 200


def enqueue(task, *args) -> bool:
    """`task.delay(*args)`; False (and a warning) when the broker refused it. The publish
    gives up quickly (CELERY_TASK_PUBLISH_RETRY_POLICY), so the request is not held."""
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - a broker outage must never fail the user's action
        log.warning("broker unavailable; %s%r waits", task.name, args)
        return False
    return True


def file_response(file: FieldFile, *, filename: str, content_type: str | None = None) -> FileResponse:
    """The stored file as an attachment under `filename`, streamed in blocks (any size, flat
    memory), never rendered inline nor cached. Callers check who may have it first."""
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@dataclass(frozen=True)
class JobSweep:
    """How the jobs of one model are sent, claimed and swept. The model has `status`,
    `created_at`, `sent_at`, `started_at`, `attempts`, `error` and `finished_at`; `task` builds
    one job from its pk and claims it first (`claim`)."""

    model: type[models.Model]
    task: Any
    waiting: str  # the status of a job no run has claimed yet
    running: str
    failed: str
    interrupted: Any  # the failed job's error (lazy text with %(count)s) after max_attempts runs
    lease: datetime.timedelta = LEASE
    grace: datetime.timedelta = RESEND_GRACE
    max_attempts: int = MAX_ATTEMPTS
    batch: int = RESEND_BATCH

    def send(self, pk: int) -> bool:
        """Hand the job to the broker and note when; False (the job stays unsent) when it is down."""
        if not enqueue(self.task, pk):
            return False
        self.model.objects.filter(pk=pk).update(sent_at=timezone.now())
        return True

    def send_later(self, pk: int) -> None:
        """`send` once the caller's transaction commits (the worker must find the row)."""
        transaction.on_commit(lambda: self.send(pk))

    def claim(self, pk: int, now: datetime.datetime | None = None, **changes: Any) -> bool:
        """Begin a run: the job is waiting, or running past the lease with runs left (its
        worker died). One conditional UPDATE, so of two deliveries only one builds."""
        now = now or timezone.now()
        stale = Q(status=self.running, started_at__lt=now - self.lease, attempts__lt=self.max_attempts)
        return bool(
            self.model.objects.filter(pk=pk)
            .filter(Q(status=self.waiting) | stale)
            .update(status=self.running, started_at=now, attempts=F("attempts") + 1, **changes)
        )

    def resend(self, now: datetime.datetime | None = None) -> int:
        """Fail the jobs interrupted `max_attempts` times, send those waiting for no message.
        Stops at the first refusal (the broker is still down: the next run tries again).
        Returns how many were sent."""
        now = now or timezone.now()
        error = str(self.interrupted) % {"count": self.max_attempts}
        self.model.objects.filter(
            status=self.running, started_at__lt=now - self.lease, attempts__gte=self.max_attempts
        ).update(status=self.failed, error=error, finished_at=now)
        waiting = self.model.objects.filter(
            Q(status=self.waiting, sent_at__isnull=True, created_at__lt=now - self.grace)
            | Q(status=self.waiting, sent_at__lt=now - self.lease)
            | Q(status=self.running, started_at__lt=now - self.lease)
        ).values_list("pk", flat=True)[: self.batch]
        sent = 0
        for pk in list(waiting):
            if not self.send(pk):
                break
            sent += 1
        return sent
