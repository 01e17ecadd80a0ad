"""End to end on the real services: the button's POST goes through Redis to a `celery worker`
subprocess, which builds the PDF into the same storage; the page then hands it out. With
the broker unreachable the job waits, and the beat sweep sends it once the broker is back."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.roles import Role
from insight import report_jobs
from insight.models import ReportJob
from tests.insight.conftest import people, shipment, world  # noqa: F401 - the hand-counted tickets
from tests.live_worker import finished, live, media, no_broker, use_broker, worker  # noqa: F401 - fixtures

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _pdf_text(client, job: ReportJob) -> str:
    response = client.get(reverse("insight:report_job_download", args=[job.pk]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_worker_builds_the_8d_pdf_the_page_hands_out(live, client, world, make_user):  # noqa: F811
    client.force_login(make_user(Role.QC))
    number = world["A"].number
    response = client.post(reverse("insight:report_8d_pdf", args=[number]))
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("insight:report_job", args=[job.pk])
    assert job.sent_at is not None  # the broker took it; the worker builds it
    job = finished(job, live)
    assert job.status == "done", job.error
    text = _pdf_text(client, job)
    assert f"8D 报告 {number}" in text and "热处理不足" in text
    page = client.get(response["Location"]).content.decode()
    assert "已生成" in page


def test_with_the_broker_down_the_sweep_sends_the_job_once_it_is_back(live, client, world, make_user):  # noqa: F811
    client.force_login(make_user(Role.GENERAL_MANAGER))
    broker = use_broker(no_broker())  # nothing listens there
    response = client.post(reverse("insight:monthly_report_pdf"), {"month": "2026-10"}, follow=True)
    job = ReportJob.objects.get()
    assert (job.status, job.sent_at) == ("queued", None)
    assert "服务恢复后会自动生成" in response.content.decode()
    use_broker(broker)
    ReportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - report_jobs.RESEND_GRACE)
    assert report_jobs.resend() == 1  # what beat runs every minute
    job = finished(job, live)
    assert job.status == "done", job.error
    assert "2026-10 月度质量报告" in _pdf_text(client, job)
