"""Tests: the base settings with a fast password hasher and in-memory mail."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
# Tasks run in-process in tests, even when CI configures a real broker; the tests that
# exercise the broker and a worker switch this off themselves.
CELERY_TASK_ALWAYS_EAGER = True
# One process: the memory cache is enough for the throttles, and starts empty per run.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
