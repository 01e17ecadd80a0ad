"""GET /healthz: liveness and readiness for load balancers and docker-compose healthchecks."""

import logging
import re

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import storages
from django.db import connection
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

log = logging.getLogger(__name__)


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not configured (tasks run eagerly)"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return f"error: {exc.__class__.__name__}"
    return "ok"


_STATIC_REF = re.compile(r'(?:href|src)="([^"?#]+)')


def _check_pages() -> str:
    """Can the site render a page? Render the sign-in page (the base layout with its static
    files) as an anonymous visitor. With the production manifest storage a missing manifest
    or asset raises here, as it would on every page; each file it names must be on disk."""
    probe = RequestFactory().get(reverse("login"))
    probe.user = AnonymousUser()
    try:
        html = render_to_string("registration/login.html", {"form": AuthenticationForm()}, request=probe)
    except ValueError as exc:  # "Missing staticfiles manifest entry for 'x'"
        log.error("healthz: a page cannot be rendered: %s", exc)
        return f"error: {exc}"[:300]
    except Exception as exc:
        log.exception("healthz: a page cannot be rendered")
        return f"error: {exc.__class__.__name__}"
    static = storages["staticfiles"]
    if isinstance(static, ManifestFilesMixin):
        prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}"
        for url in _STATIC_REF.findall(html):
            if url.startswith(prefix) and not static.exists(url[len(prefix) :]):
                log.error("healthz: %s is in the manifest but not in STATIC_ROOT", url)
                return f"error: {url} is missing from STATIC_ROOT"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness for load balancers and docker-compose healthchecks: the
    database, the broker, and whether a page can be rendered with its static files."""
    checks = {"database": _check_database(), "broker": _check_broker(), "pages": _check_pages()}
    healthy = all(v == "ok" or v.startswith("not configured") for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
