"""The report PDFs' pages: start a build (POST), follow it, download it (insight/report_jobs.py).

The old PDF addresses answer GET with the report's page (where the button is), so a
bookmark or a forwarded link still lands somewhere useful; POST to them starts the build.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import action_required, can
from apperrors.exceptions import AppError, NotFound
from apperrors.forms import flash
from documents.generated import file_response

from . import report_jobs
from .forms import MonthForm
from .models import ReportJob


def _start(request, *, fallback: str, **params):
    try:
        job = report_jobs.report_job_start(by=request.user, **params)
    except NotFound:
        raise Http404 from None
    except AppError as exc:
        flash(request, exc)
        return redirect(fallback)
    return redirect("insight:report_job", pk=job.pk)  # its page says if the broker is down


@action_required("insight.view")
def monthly_report_pdf(request):
    form = MonthForm(request.POST if request.method == "POST" else request.GET)
    month = f"{form.first_day(timezone.localdate()):%Y-%m}"
    page = f"{reverse('insight:monthly_report')}?month={month}"
    if request.method != "POST":
        return redirect(page)
    return _start(request, fallback=page, kind=ReportJob.Kind.MONTHLY, month=month)


@action_required("insight.report_8d")
def report_8d_pdf(request, number: str):
    if "\x00" in number or len(number) > 20:
        raise Http404
    page = reverse("insight:report_8d", args=[number])
    if request.method != "POST":
        return redirect(page)
    return _start(request, fallback=page, kind=ReportJob.Kind.EIGHT_D, number=number)


def _own(request, pk: int) -> ReportJob:
    """The asker's own job, while they still hold the report's role (403 otherwise)."""
    try:
        job = report_jobs.own_job(request.user, pk)
    except NotFound:
        raise Http404 from None
    if not can(request.user, report_jobs.PERMISSION[job.kind]):
        raise PermissionDenied
    return job


def _report_url(job: ReportJob) -> str:
    if job.kind == ReportJob.Kind.MONTHLY:
        return f"{reverse('insight:monthly_report')}?month={job.subject}"
    return reverse("insight:report_8d", args=[job.subject])


@login_required
def report_job(request, pk: int):
    """The job page; htmx polls it for the panel alone while the job is queued or running."""
    job = _own(request, pk)
    context = {
        "job": job,
        "report_url": _report_url(job),
        "may_download": report_jobs.may_download(request.user, job),
    }
    if request.headers.get("HX-Request"):
        return render(request, "insight/_report_job.html", context)
    return render(request, "insight/report_job.html", context)


@login_required
def report_job_download(request, pk: int):
    job = _own(request, pk)
    if job.status != ReportJob.Status.DONE or not job.file:
        raise Http404
    if not report_jobs.may_download(request.user, job):
        raise PermissionDenied
    return file_response(job.file, filename=job.filename(), content_type="application/pdf")


@login_required
@require_POST
def report_job_retry(request, pk: int):
    job = _own(request, pk)
    try:
        again = report_jobs.report_job_retry(by=request.user, job=job)
    except NotFound:
        messages.error(request, _("This report no longer exists."))
        return redirect("insight:report_job", pk=job.pk)
    except AppError as exc:
        flash(request, exc)
        return redirect("insight:report_job", pk=job.pk)
    return redirect("insight:report_job", pk=again.pk)
