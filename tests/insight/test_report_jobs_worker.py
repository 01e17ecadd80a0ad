"""End to end on the real services: the button's POST goes through Redis to a `celery worker`
subprocess, which builds the PDF into the same storage; the page then hands it out. With
the broker unreachable the job waits, and the beat sweep sends it once the broker is back."""

import io

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from accounts.roles import Role
from config.celery_app import app as celery_app
from insight import report_jobs
from insight.models import ReportJob
from tests.conftest import _broker_answers, _missing
from tests.insight.conftest import people, shipment, world  # noqa: F401 - the hand-counted tickets
from tests.notify.live import Worker, database_url, free_port, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def worker(django_db_setup, media):
    """A worker sharing this test's database, broker and file storage (MEDIA_ROOT)."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        _missing("needs PostgreSQL: set DATABASE_URL=postgres://...")
    broker = settings.CELERY_BROKER_URL
    if not broker or not _broker_answers(broker):
        _missing("needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/<n>")
    w = Worker(
        database_url=database_url(connection.settings_dict),
        broker_url=broker,
        smtp_port=free_port(),  # no mail in these tests
        env={"MEDIA_ROOT": str(media)},
    )
    try:
        w.wait_ready()
        yield w
    finally:
        w.stop()


def _use_broker(url: str) -> None:
    """Point this process's producer at `url` (the worker keeps its own connection)."""
    celery_app.conf.broker_url = url
    celery_app.conf.broker_write_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def live(worker, media, settings):
    settings.MEDIA_ROOT = media
    broker = celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    yield worker
    celery_app.conf.task_always_eager = True
    _use_broker(broker)


def _built(job: ReportJob, worker: Worker, timeout: float = 120) -> ReportJob:
    def done() -> ReportJob | None:
        job.refresh_from_db()
        return job if job.status in ("done", "failed") else None

    return wait_until(
        done, timeout=timeout, failing=lambda: f"job {job.pk} is {job.status}:\n{worker.output()[-3000:]}"
    )


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
    job = _built(job, live)
    assert job.status == "done", job.error
    text = _pdf_text(client, job)
    assert f"8D 报告 {number}" in text and "热处理不足" in text
    page = client.get(response["Location"]).content.decode()
    assert "已生成" in page


def test_with_the_broker_down_the_sweep_sends_the_job_once_it_is_back(live, client, world, make_user):  # noqa: F811
    client.force_login(make_user(Role.GENERAL_MANAGER))
    broker = celery_app.conf.broker_url
    _use_broker(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    response = client.post(reverse("insight:monthly_report_pdf"), {"month": "2026-10"}, follow=True)
    job = ReportJob.objects.get()
    assert (job.status, job.sent_at) == ("queued", None)
    assert "服务恢复后会自动生成" in response.content.decode()
    _use_broker(broker)
    ReportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - report_jobs.RESEND_GRACE)
    assert report_jobs.resend() == 1  # what beat runs every minute
    job = _built(job, live)
    assert job.status == "done", job.error
    assert "2026-10 月度质量报告" in _pdf_text(client, job)
