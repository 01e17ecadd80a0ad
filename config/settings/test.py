"""Tests: the base settings with a fast password hasher and in-memory mail."""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL


def _own_redis_database(url: str, worker: str) -> str:
    """pytest-xdist runs the suite in several processes (gw0, gw1, …) against one Redis. Each
    gets the next database numbers after the configured one, so the Celery workers that one
    process's tests start never take another process's tasks (or have their queue purged)."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + 1 + int(worker.removeprefix('gw'))}"))


_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER and CELERY_BROKER_URL.startswith("redis://"):
    CELERY_BROKER_URL = _own_redis_database(CELERY_BROKER_URL, _WORKER)
    os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL  # processes the tests start inherit it

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
# Tasks run in-process in tests, even when CI configures a real broker; the tests that
# exercise the broker and a worker switch this off themselves.
CELERY_TASK_ALWAYS_EAGER = True
# One process: the memory cache is enough for the throttles, and starts empty per run.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
BATCH_VERIFY_SHAPES = True  # every prepared read compiled as well, and compared (ui.batch)
