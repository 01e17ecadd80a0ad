"""No journal export is lost: asked for while the broker is down, it is kept, the page says
so, and the beat sweep sends it once the broker is back (once, however often the sweep runs
or finance asks again); an export whose worker died is sent again, and failed with a reason
after three interrupted runs."""

import csv
import datetime
import importlib
import io

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounting import services, tasks
from accounting.models import ExportJob

from .factories import finance_pair, make_dispute, posted_vouchers

pytestmark = pytest.mark.django_db
EXPORTS = reverse("accounting:export_list")
NOW = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)
WAITING_NOTE = "后台任务服务暂时无法连接：导出已登记，服务恢复后会自动生成"


@pytest.fixture
def books():
    preparer, reviewer = finance_pair()
    posted_vouchers(make_dispute(preparer), preparer, reviewer)
    return preparer, reviewer


class Broker:
    """Stands in for `run_export.delay`: down (refuses, as kombu does when Redis does not
    answer) or up; up, it keeps the messages a worker would receive."""

    def __init__(self):
        self.up = False
        self.messages: list[int] = []

    def delay(self, pk):
        if not self.up:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.messages.append(pk)

    def deliver(self) -> None:
        """A worker runs every message received (the worker's own code, here in the test)."""
        while self.messages:
            tasks.run_export(self.messages.pop(0))


@pytest.fixture
def broker(monkeypatch):
    b = Broker()
    monkeypatch.setattr(tasks.run_export, "delay", b.delay)
    return b


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Finance presses 导出 on the exports page; the after-commit send runs."""

    def post(data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(EXPORTS, {"layout": "generic", "file_format": "csv", **(data or {})}, **kwargs)

    return post


def csv_rows(client, job: ExportJob) -> list[list[str]]:
    response = client.get(reverse("accounting:export_download", args=[job.pk]))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_with_the_broker_down_the_export_is_kept_and_the_sweep_sends_it_once(client, ask, books, broker):
    client.force_login(books[0])
    with time_machine.travel(NOW, tick=False):
        page = ask(follow=True).content.decode()
        job = ExportJob.objects.get()
        assert (job.status, job.sent_at) == ("pending", None)
        assert f"导出任务 #{job.pk} 已登记" in page and WAITING_NOTE in page
        assert '<tr class="export-running">' in page  # the table keeps looking for the file
        # asking again while it is down: still the one export, still waiting
        assert WAITING_NOTE in ask(follow=True).content.decode()
        assert ExportJob.objects.count() == 1
        assert tasks.resend() == 0  # too young: the request's own send had its chance
    later = NOW + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert tasks.resend() == 0  # still down
        broker.up = True
        assert tasks.resend() == 1
        assert tasks.resend() == 0  # beat runs again before the worker: no second message
        ask()  # and finance asks again: the same export, not sent again
        assert ExportJob.objects.count() == 1 and broker.messages == [job.pk]
        page = client.get(EXPORTS).content.decode()
        assert WAITING_NOTE not in page
        broker.deliver()
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 1 and job.sent_at == later
    rows = csv_rows(client, job)
    assert rows[0][:3] == ["日期", "会计期间", "凭证字号"] and len(rows) == 1 + job.total_rows > 1


def test_asking_again_once_the_broker_is_back_sends_the_waiting_export(client, ask, books, broker):
    client.force_login(books[0])
    ask()
    broker.up = True
    ask()  # the broker answers again: the waiting export goes now rather than at the next sweep
    job = ExportJob.objects.get()
    assert broker.messages == [job.pk] and job.sent_at is not None
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        assert tasks.resend() == 0
    # another export (another format, another person) is another job
    ask({"file_format": "xlsx"})
    client.force_login(books[1])
    ask()
    assert ExportJob.objects.count() == 3


def test_an_export_sent_twice_is_written_once(books, broker):
    broker.up = True
    job = services.export_request(by=books[0], layout="kingdee", file_format="csv")
    tasks.EXPORTS.send(job.pk)
    tasks.EXPORTS.send(job.pk)  # say the sweep and a redelivery both sent it
    first = tasks.export(job.pk)
    assert first.status == "done" and first.attempts == 1
    assert tasks.export(job.pk) is None  # nothing left to claim: the file is not written again


def test_an_export_whose_worker_died_is_sent_again_and_written(client, books, broker):
    broker.up = True
    with time_machine.travel(NOW, tick=False):
        job = services.export_request(by=books[0], layout="u8", file_format="xlsx")
        tasks.EXPORTS.send(job.pk)
        assert tasks.EXPORTS.claim(job.pk)  # a worker begins it ... and dies (no outcome)
        broker.messages.clear()  # Redis keeps the unacknowledged message for an hour: not waited for
        assert tasks.resend() == 0  # a run under way is left alone
    later = NOW + tasks.LEASE + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert tasks.resend() == 1 and broker.messages == [job.pk]
        broker.deliver()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == ("done", 2, "")
    client.force_login(books[1])
    assert client.get(reverse("accounting:export_download", args=[job.pk])).status_code == 200


def test_the_third_interrupted_run_fails_the_export_with_a_reason(client, books, broker):
    broker.up = True
    when = NOW
    with time_machine.travel(when, tick=False):
        job = services.export_request(by=books[0], layout="generic", file_format="csv")
        tasks.EXPORTS.send(job.pk)
    for run in (1, 2, 3):
        assert tasks.EXPORTS.claim(job.pk, now=when)  # run `run` begins ... and its worker dies
        when += tasks.LEASE + datetime.timedelta(minutes=1)
        with time_machine.travel(when, tick=False):
            assert tasks.resend() == (1 if run < 3 else 0)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", 3)
    assert job.error == "导出已中断 3 次，请稍后重新导出。"
    assert tasks.export(job.pk) is None  # a late redelivery finds nothing to claim
    client.force_login(books[0])
    page = client.get(EXPORTS).content.decode()
    assert "导出已中断 3 次" in page and "失败" in page
    with time_machine.travel(when, tick=False):  # finance asks again: a new export, written
        broker.messages.clear()
        again = services.export_request(by=books[0], layout="generic", file_format="csv")
    assert again != job


def test_the_api_answers_the_export_under_way_and_says_whether_it_was_sent(
    client, books, broker, django_capture_on_commit_callbacks
):
    client.force_login(books[0])
    url = reverse("accounting-api:export-start")
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"layout": "generic", "file_format": "csv"}, "application/json").json()
        second = client.post(url, {"layout": "generic", "file_format": "csv"}, "application/json").json()
    assert first["id"] == second["id"] and first["status"] == "pending" and first["sent_at"] is None


def test_existing_exports_after_the_migration(books, broker):
    """Done and failed exports stay as they were; waiting ones get picked up by the sweep."""
    preparer = books[0]
    old = timezone.now() - datetime.timedelta(hours=2)

    def row(status, layout="generic", **fields):
        job = ExportJob.objects.create(created_by=preparer, layout=layout, status=status, **fields)
        # as the rows were: no key (each its own here, as the new constraint wants), never sent
        ExportJob.objects.filter(pk=job.pk).update(
            created_at=old, key=f"before-{job.pk}" if status in ExportJob.ACTIVE else ""
        )
        return job

    done = row("done", total_rows=7, done_rows=7, file="exports/old.csv")
    failed = row("failed", error="磁盘已满")
    twin_a = row("pending")
    twin_b = row("pending")  # the same export asked twice before there was a key
    running = row("running", layout="kingdee")
    before = {j.pk: (j.status, j.key, j.sent_at, j.attempts, j.error) for j in (done, failed)}
    migration = importlib.import_module("accounting.migrations.0012_export_sweep")
    migration.mark_waiting(apps, None)
    after = {j.pk: (j.status, j.key, j.sent_at, j.attempts, j.error) for j in ExportJob.objects.filter(
        pk__in=[done.pk, failed.pk]
    )}  # fmt: skip
    assert after == before
    twin_a.refresh_from_db()
    twin_b.refresh_from_db()
    key = ExportJob.key_for("generic", "csv")
    assert (twin_b.key, twin_a.key) == (key, f"{key}#{twin_a.pk}")
    running.refresh_from_db()
    assert (running.started_at, running.attempts) == (running.created_at, 1)
    broker.up = True
    assert tasks.resend() == 3  # both waiting ones, and the running one past its lease
    broker.deliver()
    statuses = dict(ExportJob.objects.values_list("pk", "status"))
    assert statuses == {
        done.pk: "done",
        failed.pk: "failed",
        twin_a.pk: "done",
        twin_b.pk: "done",
        running.pk: "done",
    }
    # asking for the same export again finds nothing under way: a new one
    assert services.export_request(by=preparer, layout="generic", file_format="csv").pk not in statuses


def test_beat_runs_the_sweep_every_minute():
    entries = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "accounting.tasks.resend_export_jobs"
    ]
    assert len(entries) == 1 and entries[0]["schedule"] == 60.0
    assert tasks.resend_export_jobs.name == "accounting.tasks.resend_export_jobs"
