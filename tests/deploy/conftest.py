"""Fixtures for the deployment tests: the environment of a production process, and the
production static build (run once per session, shared by the tests that render pages)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

from tests.conftest import _missing
from tests.notify.live import database_url

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra: str) -> dict[str, str]:
    """The environment of a production process, without the test run's settings."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="build-only-secret-key-that-is-long-enough-0123456789abcdef",
        **extra,
    )
    return env


@pytest.fixture(scope="session")
def collected(tmp_path_factory) -> Path:
    """Run the production build once: compiletranslations is not needed for static files."""
    static_root = tmp_path_factory.mktemp("staticfiles")
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=production_env(STATIC_ROOT=str(static_root)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return static_root


def server_connection(dbname: str = "postgres"):
    """A psycopg2 connection to the PostgreSQL server the test run uses."""
    server = settings.DATABASES["default"]
    return psycopg2.connect(
        dbname=dbname,
        user=server.get("USER") or None,
        password=server.get("PASSWORD") or None,
        host=server.get("HOST") or "127.0.0.1",
        port=server.get("PORT") or 5432,
    )


@pytest.fixture
def fresh_database():
    """A new, empty PostgreSQL database with a unique name, dropped at the end."""
    server = settings.DATABASES["default"]
    if server["ENGINE"] != "django.db.backends.postgresql":
        _missing("needs PostgreSQL: set DATABASE_URL=postgres://...")
    name = f"kst_deploy_{uuid.uuid4().hex[:10]}"
    admin = server_connection()
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name, database_url({**server, "NAME": name})
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
