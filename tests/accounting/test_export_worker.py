"""End to end on the real services: the exports page's POST goes through Redis to a `celery
worker` subprocess, which writes the file into the same storage; the page then hands it out.
With the broker unreachable the export waits and the page says so; the beat sweep sends it
once the broker is back. An export left running by a dead worker is sent again and written."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accounting import tasks
from accounting.models import ExportJob
from tests.live_worker import finished, live, media, no_broker, use_broker, worker  # noqa: F401 - fixtures

from .factories import finance_pair, make_dispute, posted_vouchers

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
EXPORTS = reverse("accounting:export_list")


@pytest.fixture
def finance(client):
    preparer, reviewer = finance_pair()
    posted_vouchers(make_dispute(preparer), preparer, reviewer)
    client.force_login(preparer)
    return preparer


def _rows(client, job: ExportJob) -> list[list[str]]:
    response = client.get(reverse("accounting:export_download", args=[job.pk]))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_the_worker_writes_the_export_the_page_hands_out(live, client, finance):  # noqa: F811
    client.post(EXPORTS, {"layout": "kingdee", "file_format": "csv"})
    job = ExportJob.objects.get()
    assert job.sent_at is not None  # the broker took it; the worker writes it
    job = finished(job, live)
    assert job.status == "done", job.error
    rows = _rows(client, job)
    assert rows[0][:3] == ["凭证日期", "会计年度", "会计期间"] and len(rows) == 1 + job.total_rows > 1


def test_with_the_broker_down_the_sweep_sends_the_export_once_it_is_back(live, client, finance):  # noqa: F811
    broker = use_broker(no_broker())  # nothing listens there
    page = client.post(EXPORTS, {"layout": "generic", "file_format": "xlsx"}, follow=True).content.decode()
    job = ExportJob.objects.get()
    assert (job.status, job.sent_at) == ("pending", None)
    assert "导出已登记，服务恢复后会自动生成" in page
    use_broker(broker)
    ExportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - tasks.RESEND_GRACE)
    assert tasks.resend() == 1  # what beat runs every minute
    assert tasks.resend() == 0
    job = finished(job, live)
    assert (job.status, job.attempts) == ("done", 1), job.error
    assert "导出已登记" not in client.get(EXPORTS).content.decode()


def test_an_export_left_running_by_a_dead_worker_is_sent_again_and_written(live, client, finance):  # noqa: F811
    job = ExportJob.objects.create(
        created_by=finance, layout="u8", file_format="csv", key=ExportJob.key_for("u8", "csv")
    )
    lost = timezone.now() - tasks.LEASE - datetime.timedelta(minutes=1)
    ExportJob.objects.filter(pk=job.pk).update(status="running", started_at=lost, sent_at=lost, attempts=1)
    assert tasks.resend() == 1
    job = finished(job, live)
    assert (job.status, job.attempts) == ("done", 2), job.error
    assert len(_rows(client, job)) == 1 + job.total_rows
