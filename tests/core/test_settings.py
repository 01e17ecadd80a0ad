"""Production settings refuse to start unsafely and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", DJANGO_SETTINGS_MODULE="config.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_reports_nothing_with_production_environment():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="kst.example.com",
        SITE_URL="https://kst.example.com",
        DATABASE_URL="sqlite:////tmp/kst-deploy-check.sqlite3",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_defaults_need_nothing_installed():
    probe = (
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.TIME_ZONE, s.LANGUAGE_CODE)"
    )
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        probe,
        DJANGO_SETTINGS_MODULE="config.settings.base",
        CELERY_BROKER_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "Asia/Shanghai",
        "zh-hans",
    ]
