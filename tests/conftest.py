"""Shared fixtures and the rules for tests that need real services.

Tests marked `postgres`, `redis` or `imap` skip with a reason when the service is not
configured or not answering, unless REQUIRE_SERVICES=1 (CI), where they fail instead.
`imap` is the test Dovecot server (tests/mailin/dovecot.sh, started by .ci/run).
"""

import importlib
import os
import socket
from urllib.parse import urlparse

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

from tests.factories import UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
IMAP_TEST_PORT = int(os.environ.get("MAILIN_TEST_IMAP_PORT", "10143"))


def _missing(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _broker_answers(url: str) -> bool:
    parsed = urlparse(url)
    return _answers(parsed.hostname or "127.0.0.1", parsed.port or 6379)


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
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
    if request.node.get_closest_marker("imap") and not _answers("127.0.0.1", IMAP_TEST_PORT):
        _missing(f"needs the test IMAP server on 127.0.0.1:{IMAP_TEST_PORT}: tests/mailin/dovecot.sh start")


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a test that switched this thread to English
    (translation.activate) must not leave later tests in this process reading English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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


# The data migrations' rows: (module, function) run again with the live app registry. The one
# place they come back (no app code heals a flushed database, no test module restores its own).
REFERENCE_DATA = [
    ("accounts.migrations.0002_roles", "create_groups"),
    ("accounts.migrations.0005_general_manager_role", "create_group"),
    ("accounting.migrations.0002_default_chart", "load"),
    ("objections.migrations.0002_seed_objection_types", "seed"),
    ("tickets.migrations.0003_sla", "seed_targets"),
    ("tickets.migrations.0008_quality_classification", "seed_defect_types"),
    ("workhours.migrations.0001_initial", "seed_periods"),
]


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests (live_server, threads, `transaction=True`) flush the database when
    they end, the data migrations' rows (roles, chart of accounts, objection types…) included.
    Put them back before each transactional test, so it finds what a migrated database has;
    pytest-django runs the other tests first, which find them where the migrations left them."""
    if not _is_transactional(request.node):
        return
    request.getfixturevalue("transactional_db")
    for module, function in REFERENCE_DATA:
        getattr(importlib.import_module(module), function)(apps, None)
