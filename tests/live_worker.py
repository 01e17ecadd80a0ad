"""Fixtures for end-to-end tests of background jobs on the real services: a `celery worker`
subprocess sharing the test's PostgreSQL database, Redis broker and file storage, and a way
to point this process's producer at a broker that does not answer. Import the fixtures into
the test module (`from tests.live_worker import live, media, worker`); one worker per module."""

import pytest
from django.conf import settings
from django.db import connection, models

from config.celery_app import app as celery_app
from tests.conftest import _broker_answers, _missing
from tests.notify.live import Worker, database_url, free_port, wait_until


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


def use_broker(url: str) -> str:
    """Point this process's producer at `url` (the worker keeps its own connection); returns
    the URL it used until now."""
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    celery_app.conf.broker_write_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    return previous


def no_broker() -> str:
    """An address where no broker listens."""
    return f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture
def live(worker, media, settings):
    """Tasks go through the broker to the worker (not eagerly), from an empty queue."""
    settings.MEDIA_ROOT = media
    broker = celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    yield worker
    celery_app.conf.task_always_eager = True
    use_broker(broker)


def finished(job: models.Model, worker: Worker, timeout: float = 120) -> models.Model:
    """The job once the worker has brought it to done or failed."""

    def done():
        job.refresh_from_db()
        return job if job.status in ("done", "failed") else None

    return wait_until(
        done, timeout=timeout, failing=lambda: f"job {job.pk} is {job.status}:\n{worker.output()[-3000:]}"
    )
