"""End to end against the real services: PostgreSQL, Redis, a `celery worker` subprocess
and an SMTP server on loopback. Each wait is bounded; workers are always stopped."""

import datetime
import time
import uuid

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.roles import Role
from config.celery_app import app as celery_app
from notify.models import Notification
from notify.services import notify
from notify.tasks import resend_notifications, send_notifications
from promises.services import (
    commitment_create,
    commitment_send_escalations,
    commitment_send_reminders,
)
from tests.conftest import _broker_answers, _missing
from tests.notify.live import Worker, database_url, free_port, smtp_server, wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

SITE = "https://kst.example.com"


@pytest.fixture(scope="module")
def smtp():
    with smtp_server() as (port, recorder):
        yield port, recorder


@pytest.fixture(scope="module")
def worker_env(django_db_setup, smtp):
    """What a worker needs to share this test's database, broker and SMTP server.
    (Module-scoped fixtures run before the autouse service check, so check here.)"""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        _missing("needs PostgreSQL: set DATABASE_URL=postgres://...")
    broker = settings.CELERY_BROKER_URL
    if not broker or not _broker_answers(broker):
        _missing("needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/<n>")
    return {
        "database_url": database_url(connection.settings_dict),
        "broker_url": broker,
        "smtp_port": smtp[0],
    }


@pytest.fixture(scope="module")
def worker(worker_env):
    w = Worker(**worker_env)
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
def live(worker, smtp, settings):
    """Tasks go through the broker to the worker; mail lands in `recorder`."""
    settings.SITE_URL = SITE
    broker = celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    recorder = smtp[1]
    recorder.reset()
    yield recorder
    celery_app.conf.task_always_eager = True
    _use_broker(broker)
    recorder.reset()


def _wait_status(pk: int, status: str, timeout: float = 15) -> Notification:
    def reached() -> Notification | None:
        row = Notification.objects.get(pk=pk)
        return row if row.status == status else None

    return wait_until(
        reached,
        timeout=timeout,
        failing=lambda: f"notification {pk} is {Notification.objects.get(pk=pk).status}, not {status}",
    )


def _drained(worker: Worker) -> None:
    """Wait until the worker has run every task queued so far: one worker, one process, tasks
    in queue order, so once a no-op task queued now has run, all before it have (and their
    mail is at the SMTP server, which records a message before it answers the send)."""
    worker.wait_task(send_notifications.delay([]).id)


def _message(user, title="投诉 KS-0001 已接收", key=None):
    return notify(
        event_key=key or f"test:{uuid.uuid4().hex}",
        event="test.message",
        recipients=[user],
        template="notify/email/message",
        context={"title": title, "text": "请安排处理。"},
        link="/promises/",
        number="KS-0001",
    )[0]


def test_a_commitment_reminder_reaches_the_smtp_server(live, make_user):
    owner = make_user(Role.SALES, language="zh-hans", full_name="王五")
    promise = commitment_create(
        owner=owner,
        by=owner,
        description="回电告知换货安排",
        due_at=timezone.now() + datetime.timedelta(minutes=30),
    )
    assert commitment_send_reminders() == 1  # commits; the send is queued on commit

    messages = live.wait_for(1, timeout=30)
    assert len(messages) == 1
    message = messages[0]
    assert message["to"] == [owner.email]
    assert message["subject"].startswith(f"[P-{promise.pk}] 提醒：承诺将于")
    assert f"{SITE}/promises/" in message["body"] and "回电告知换货安排" in message["body"]
    row = _wait_status(Notification.objects.get().pk, Notification.Status.SENT)
    assert row.status == Notification.Status.SENT and row.attempts == 1


def test_an_escalation_mails_the_manager_and_copies_the_owner(live, make_user):
    owner = make_user(Role.SALES, full_name="王五")
    manager = make_user(Role.SALES_MANAGER, language="en")
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=2)):
        commitment_create(
            owner=owner, by=owner, description="回电", due_at=timezone.now() + datetime.timedelta(hours=1)
        )
    assert commitment_send_escalations() == 1

    messages = live.wait_for(2, timeout=30)
    assert sorted(m["to"][0] for m in messages) == sorted([owner.email, manager.email])
    to_manager = next(m for m in messages if m["to"] == [manager.email])
    assert "Overdue promise of 王五" in to_manager["subject"]
    assert f"{SITE}/promises/team/" in to_manager["body"]


def test_with_the_broker_down_the_action_succeeds_and_resend_delivers_once_it_is_back(
    live, worker, make_user, settings
):
    user = make_user()
    _use_broker(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    started = time.monotonic()
    with transaction.atomic():
        row = _message(user)
    assert time.monotonic() - started < 10  # the action gave up on the broker quickly
    assert Notification.objects.get(pk=row.pk).status == Notification.Status.PENDING
    assert live.wait_for(1, timeout=2) == []

    _use_broker(settings.CELERY_BROKER_URL)  # the broker is back
    settings.NOTIFY_RESEND_GRACE_SECONDS = 0
    assert resend_notifications() == 1
    messages = live.wait_for(1, timeout=30)
    assert [m["to"] for m in messages] == [[user.email]]
    assert _wait_status(row.pk, Notification.Status.SENT).status == Notification.Status.SENT
    assert resend_notifications() == 0
    _drained(worker)
    assert len(live.messages) == 1


def test_a_task_run_again_after_the_send_mails_nobody_twice(live, worker, make_user):
    first, sentinel = make_user(), make_user()
    row = _message(first)
    assert len(live.wait_for(1, timeout=30)) == 1
    _wait_status(row.pk, Notification.Status.SENT)
    # The broker redelivers the task, or it is retried: twice more, the same ids.
    repeats = [
        send_notifications.delay([row.pk]),
        send_notifications.apply_async(args=[[row.pk]], countdown=0),
    ]
    _message(sentinel)  # queued after the repeats: when it arrives they have run
    messages = live.wait_for(2, timeout=30)
    for repeat in repeats:  # and the worker says so
        worker.wait_task(repeat.id)
    assert sorted(m["to"][0] for m in live.messages) == sorted([first.email, sentinel.email])
    assert len(messages) == 2


def test_a_worker_killed_mid_send_leaves_the_row_uncertain_and_it_is_not_resent(
    live, make_user, worker, worker_env, settings
):
    user = make_user()
    queue = f"kst-kill-{uuid.uuid4().hex[:6]}"
    doomed = Worker(**worker_env, queue=queue)
    try:
        doomed.wait_ready()
        live.reset(delay=5)  # the SMTP server is slow: the worker is mid-send for 5 s
        # Write the row without queueing it on the shared queue, then send it on the doomed worker's.
        _use_broker(f"redis://127.0.0.1:{free_port()}/0")
        row = _message(user)
        _use_broker(settings.CELERY_BROKER_URL)
        send_notifications.apply_async(args=[[row.pk]], queue=queue)
        wait_until(
            lambda: live.started,
            timeout=20,
            failing=lambda: f"the worker never began sending:\n{doomed.output()[-3000:]}",
        )
        doomed.kill()
    finally:
        doomed.stop()
    live.delay = 0
    assert Notification.objects.get(pk=row.pk).status == Notification.Status.SENDING

    settings.NOTIFY_RESEND_GRACE_SECONDS = 0
    with time_machine.travel(
        timezone.now() + datetime.timedelta(minutes=settings.NOTIFY_SENDING_LEASE_MINUTES + 1)
    ):
        resend_notifications()
    row.refresh_from_db()
    assert row.status == Notification.Status.UNCERTAIN
    # Even if the broker hands the task to another worker, the row is not sent again.
    repeat = send_notifications.delay([row.pk])
    sentinel = make_user()
    _message(sentinel)
    live.wait_until(lambda ms: any(m["to"] == [sentinel.email] for m in ms), timeout=30)
    worker.wait_task(repeat.id)  # the repeat has run: anything it sent is here
    arrived = list(live.messages)
    assert [m["to"] for m in arrived].count([user.email]) <= 1
    assert [sentinel.email] in [m["to"] for m in arrived]
