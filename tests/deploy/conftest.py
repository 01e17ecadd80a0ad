"""Fixtures for the deployment tests: the environment of a production process, and the
production static build (run once per session, shared by the tests that render pages)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
