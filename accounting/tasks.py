"""Background work: journal exports (any size, flat memory, progress on the job row)."""

import logging
import tempfile

from celery import shared_task
from django.core.files.base import File
from django.utils import timezone

from .exports import WRITERS, journal_lines
from .models import ExportJob

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def run_export(job_id: int) -> None:
    job = ExportJob.objects.filter(
        pk=job_id, status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING]
    ).first()
    if job is None:
        return
    filters = job.filters()
    total = journal_lines(**filters).count()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, total_rows=total, done_rows=0)

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(done_rows=done)

    try:
        with tempfile.TemporaryFile() as tmp:
            count = WRITERS[job.file_format](tmp, job.layout, filters, progress)
            tmp.seek(0)
            job.file.save(job.filename(), File(tmp), save=False)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.DONE,
            file=job.file.name,
            done_rows=count,
            total_rows=count,
            finished_at=timezone.now(),
        )
    except Exception as exc:  # the job shows the failure; the worker stays up
        log.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, error=str(exc)[:2000])
