"""Shared fixtures and the rules for tests that need real services.

Tests marked `postgres` or `redis` skip with a reason when the service is not
configured or not answering, unless REQUIRE_SERVICES=1 (CI), where they fail instead.
"""

import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings

from tests.factories import UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _missing(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _broker_answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL or "none (eager tasks)"
    return [f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}", f"broker: {broker}"]


@pytest.fixture(autouse=True)
def _service_markers(request):
    is_postgres = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    if request.node.get_closest_marker("postgres") and not is_postgres:
        _missing("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if request.node.get_closest_marker("redis"):
        url = os.environ.get("REDIS_URL") or settings.CELERY_BROKER_URL
        if not url:
            _missing("needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0")
        elif not _broker_answers(url):
            _missing(f"needs Redis, but nothing answers at {url}")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def make_user(db):
    """make_user("sales", "qc") -> a user holding those roles."""

    def make(*roles, **kwargs):
        return UserFactory(roles=roles, **kwargs)

    return make


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Share the serialized database contents with every connection object.

    Playwright's sync API runs an event loop, and inside it Django hands out a different
    connection object than the one the test database was serialized on; serialized
    rollback would then find nothing to restore.
    """
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents


def pytest_collection_modifyitems(items):
    # Transactional tests (live_server, threads) flush the database when they end, rows
    # made by data migrations (roles, chart of accounts, ...) included. Serialized
    # rollback puts those rows back, so every test after them still finds them.
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        if marker and marker.args:
            kwargs["transaction"] = marker.args[0]
        fixtures = getattr(item, "fixturenames", ())
        if kwargs.get("transaction") or "transactional_db" in fixtures or "live_server" in fixtures:
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
