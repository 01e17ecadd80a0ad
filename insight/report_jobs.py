"""Report PDFs built by the Celery worker (docs/insight.md, "Report PDFs").

WeasyPrint takes seconds for a monthly report at scale, far more under load, so a request
only records a `ReportJob` and hands it to the broker (`report_job_start`); the worker
renders the same template the request used to (`build_report_pdf`), in the asker's
language and with what the asker may see, and stores the file through Django's storage
(S3 when configured). The asker follows it on the job page and downloads it there.

With the broker down the job is kept, unsent (`sent_at` empty): `resend_report_jobs`
(beat, every minute) sends it once the broker answers. The same sweep sends again a job
whose worker died mid-build (running past `LEASE`), up to `MAX_ATTEMPTS` runs; a run is
claimed by one conditional UPDATE, so a job sent twice is built once at a time.
"""

import datetime
import logging
import re

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.permissions import can
from apperrors.exceptions import Forbidden, Invalid, NotFound
from documents.generated import RESEND_GRACE, JobSweep
from tickets.models import Ticket

from . import eight_d, views
from .models import ReportJob
from .pdf import html_to_pdf

log = logging.getLogger(__name__)

Kind = ReportJob.Kind
Status = ReportJob.Status
# Who may ask for, and download, each report: the rule of its page.
PERMISSION = {Kind.MONTHLY: "insight.view", Kind.EIGHT_D: "insight.report_8d"}
MONTH = re.compile(r"^(20\d\d|2100)-(0[1-9]|1[0-2])$")

LEASE = datetime.timedelta(minutes=15)  # far above a build under load (40 s at 100k tickets)
MAX_ATTEMPTS = 3


class ReportUnavailable(Exception):
    """The report cannot be built for the asker any more (the reason is the job's error)."""


# ---------------------------------------------------------------- reads


def may_download(user: User, job: ReportJob) -> bool:
    """The report's own rule, still held now; money only for those who see money."""
    return can(user, PERMISSION[job.kind]) and (not job.shows_cost or can(user, "insight.cost"))


def own_job(user: User, pk: int) -> ReportJob:
    """One of `user`'s jobs; anyone else's is not found (not "forbidden": not even told it exists)."""
    job = ReportJob.objects.filter(pk=pk, created_by=user).first()
    if job is None:
        raise NotFound()
    return job


def _active(by: User, key: str) -> ReportJob | None:
    return ReportJob.objects.filter(created_by=by, key=key, status__in=ReportJob.ACTIVE).first()


# ---------------------------------------------------------------- writes


def report_job_start(*, by: User, kind: str, month: str = "", number: str = "") -> ReportJob:
    """Queue the PDF of the monthly report (`month` "YYYY-MM") or of a ticket's 8D report
    (`number`) for `by`. While one for the same report is queued or running, that one is
    answered instead (a double click makes one job). Fast: nothing is rendered here."""
    if kind not in PERMISSION:
        raise Invalid(_("Unknown report."), field="kind")
    if not can(by, PERMISSION[kind]):
        raise Forbidden()
    if kind == Kind.MONTHLY:
        if not MONTH.match(month):
            raise Invalid(_("Choose a month."), field="month")
        params = {"month": month}
    else:
        if "\x00" in number or len(number) > 20 or not Ticket.objects.filter(number=number).exists():
            raise NotFound()
        params = {"number": number}
    key = f"{kind}:{params.get('month') or params.get('number')}"
    job = _active(by, key)
    if job is not None:
        return job
    try:
        with transaction.atomic():
            job = ReportJob.objects.create(
                created_by=by,
                kind=kind,
                params=params,
                key=key,
                language=translation.get_language() or "zh-hans",
            )
    except IntegrityError:  # the same request a moment earlier (one queued or running job per key)
        job = _active(by, key)
        if job is None:
            raise
        return job
    SWEEP.send_later(job.pk)
    return job


def report_job_retry(*, by: User, job: ReportJob) -> ReportJob:
    """A failed job asked for again: a new job for the same report (or the one already under way)."""
    if job.status != Status.FAILED:
        return job
    return report_job_start(by=by, kind=job.kind, **job.params)


def _send(pk: int) -> bool:
    return SWEEP.send(pk)  # False: stays unsent, the sweep sends it when the broker is back


# ---------------------------------------------------------------- the worker


def _render(job: ReportJob) -> tuple[bytes, bool]:
    """The PDF as the asker would see the report now, and whether it shows money."""
    user = job.created_by
    if not user.is_active or not can(user, PERMISSION[job.kind]):
        raise ReportUnavailable(_("%(name)s may no longer see this report.") % {"name": user.display_name})
    if job.kind == Kind.MONTHLY:
        year, month = map(int, job.params["month"].split("-"))
        context = views.monthly_report_context(user, views.month_filters(datetime.date(year, month, 1)))
        html = render_to_string("insight/monthly_report_pdf.html", {**context, "pdf": True})
        return html_to_pdf(html), can(user, "insight.cost")
    number = job.params["number"]
    try:
        ticket = eight_d.ticket_for_report(number)
    except (Ticket.DoesNotExist, ValueError):
        raise ReportUnavailable(_("Ticket %(number)s no longer exists.") % {"number": number}) from None
    html = render_to_string("insight/8d_pdf.html", {"report": eight_d.build(ticket), "pdf": True})
    return html_to_pdf(html), False


def build(pk: int) -> ReportJob | None:
    """Claim the job (queued, or running past the lease: its worker died), render it, store
    the file. Returns the job, or None when there was nothing to claim (built already, or
    being built by another run)."""
    if not SWEEP.claim(pk):
        return None
    job = ReportJob.objects.select_related("created_by").get(pk=pk)
    with translation.override(job.language):
        try:
            pdf, shows_cost = _render(job)
            stem = job.filename().removesuffix(".pdf")
            job.file.save(f"{stem}-{job.pk}.pdf", ContentFile(pdf), save=False)
        except ReportUnavailable as exc:
            return _failed(pk, str(exc))
        except Exception as exc:  # the job shows the failure; the worker stays up
            log.exception("report PDF %s failed", pk)
            return _failed(pk, _("The PDF could not be built: %(error)s") % {"error": exc})
    ReportJob.objects.filter(pk=pk, status=Status.RUNNING).update(
        status=Status.DONE, file=job.file.name, shows_cost=shows_cost, error="", finished_at=timezone.now()
    )
    return ReportJob.objects.get(pk=pk)


def _failed(pk: int, error: str) -> ReportJob:
    ReportJob.objects.filter(pk=pk, status=Status.RUNNING).update(
        status=Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )
    return ReportJob.objects.get(pk=pk)


@shared_task(acks_late=True, ignore_result=True)
def build_report_pdf(pk: int) -> None:
    build(pk)


SWEEP = JobSweep(
    model=ReportJob,
    task=build_report_pdf,
    waiting=Status.QUEUED,
    running=Status.RUNNING,
    failed=Status.FAILED,
    interrupted=gettext_lazy("The build was interrupted %(count)s times; try again later."),
    lease=LEASE,
    grace=RESEND_GRACE,  # younger unsent jobs belong to the start's own send
    max_attempts=MAX_ATTEMPTS,
)


def resend(now: datetime.datetime | None = None) -> int:
    """Send the jobs that wait for no message: never sent (the broker was down), or running
    past the lease (the worker died; redelivery would wait for Redis's visibility timeout).
    A job that has used its runs fails instead. Returns how many were sent."""
    return SWEEP.resend(now)


@shared_task(ignore_result=True)
def resend_report_jobs() -> int:
    """Beat: the report PDFs waiting for a worker since the broker was down (or a worker died)."""
    return resend()
