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


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    fixtures = getattr(item, "fixturenames", ())
    return "transactional_db" in fixtures or "live_server" in fixtures


def pytest_collection_modifyitems(items):
    """Transactional tests (live_server, threads, `transaction=True`) flush the database when
    they end, the data migrations' rows (roles, chart of accounts, objection types, SLA
    targets…) included. pytest-django's serialized rollback puts the migrated database's rows
    back before each of them: one way, for every such test, with no list to keep."""
    for item in items:
        if _is_transactional(item):
            # prepended: the closest django_db marker wins over the test's own
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False)
