"""Background work: journal exports (any size, flat memory, progress on the job row).

A request records the `ExportJob` and hands it to the broker (`EXPORTS.send`, after commit).
With the broker down the job is kept, unsent (`sent_at` empty): `resend_export_jobs` (beat,
every minute) sends it once the broker answers. The same sweep sends again a job whose worker
died mid-export (running past `LEASE`), up to `MAX_ATTEMPTS` runs, then fails it with a reason.
A run is claimed by one conditional UPDATE, so a job sent twice is written once at a time, and
a run that was given up on (its lease ran out) no longer writes the job's outcome.
"""

import datetime
import logging
import tempfile

from celery import shared_task
from django.core.files.base import File
from django.utils import timezone
from django.utils.translation import gettext_lazy

from documents.generated import RESEND_GRACE, JobSweep

from .exports import WRITERS, journal_lines
from .models import ExportJob

log = logging.getLogger(__name__)

Status = ExportJob.Status
# Far above the longest export seen (1,000,000 lines: 10 s as CSV, a few minutes as XLSX).
LEASE = datetime.timedelta(minutes=30)
MAX_ATTEMPTS = 3


def export(pk: int) -> ExportJob | None:
    """Claim the job (pending, or running past the lease: its worker died), write the file.
    Returns the job, or None when there was nothing to claim (written already, or being
    written by another run)."""
    if not EXPORTS.claim(pk, total_rows=0, done_rows=0):
        return None
    job = ExportJob.objects.get(pk=pk)
    mine = ExportJob.objects.filter(pk=pk, status=Status.RUNNING, attempts=job.attempts)  # this run's job
    filters = job.filters()
    mine.update(total_rows=journal_lines(**filters).count())

    def progress(done: int) -> None:
        mine.update(done_rows=done)

    try:
        with tempfile.TemporaryFile() as tmp:
            count = WRITERS[job.file_format](tmp, job.layout, filters, progress)
            tmp.seek(0)
            job.file.save(job.filename(), File(tmp), save=False)
    except Exception as exc:  # the job shows the failure; the worker stays up
        log.exception("export %s failed", pk)
        mine.update(status=Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
    else:
        mine.update(
            status=Status.DONE,
            file=job.file.name,
            done_rows=count,
            total_rows=count,
            finished_at=timezone.now(),
        )
    return ExportJob.objects.get(pk=pk)


@shared_task(acks_late=True, ignore_result=True)
def run_export(job_id: int) -> None:
    export(job_id)


EXPORTS = JobSweep(
    model=ExportJob,
    task=run_export,
    waiting=Status.PENDING,
    running=Status.RUNNING,
    failed=Status.FAILED,
    interrupted=gettext_lazy("The export was interrupted %(count)s times; start it again later."),
    lease=LEASE,
    grace=RESEND_GRACE,  # younger unsent jobs belong to the request's own send
    max_attempts=MAX_ATTEMPTS,
)


def resend(now: datetime.datetime | None = None) -> int:
    """Send the exports that wait for no message: never sent (the broker was down), sent long
    ago and never started (the message was lost), or running past the lease (the worker died).
    An export that has used its runs fails instead. Returns how many were sent."""
    return EXPORTS.resend(now)


@shared_task(ignore_result=True)
def resend_export_jobs() -> int:
    """Beat: the exports waiting for a worker since the broker was down (or a worker died)."""
    return resend()
