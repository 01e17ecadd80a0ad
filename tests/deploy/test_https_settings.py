"""Production settings in both modes: behind a TLS-terminating proxy, and the explicit
plain-http switch for a LAN trial. Each probe is a fresh process with production settings."""

import json
import subprocess
import sys
from pathlib import Path

from config.settings.deploy import trusted_origins
from tests.deploy.conftest import production_env

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
from django.conf import settings as s
from django.test import Client
c = Client()
plain = c.get("/login/")
proxied = c.get("/login/", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "redirect": s.SECURE_SSL_REDIRECT, "session_secure": s.SESSION_COOKIE_SECURE,
    "csrf_secure": s.CSRF_COOKIE_SECURE, "hsts": s.SECURE_HSTS_SECONDS,
    "proxy_header": s.SECURE_PROXY_SSL_HEADER, "origins": s.CSRF_TRUSTED_ORIGINS,
    "plain_status": plain.status_code, "plain_location": plain.get("Location", ""),
    "proxied_status": proxied.status_code, "proxied_hsts": proxied.get("Strict-Transport-Security", ""),
    "healthz_status": c.get("/healthz").status_code,
}))
"""


def probe(static_root: Path, **env: str) -> tuple[dict, str]:
    env.setdefault("STATIC_ROOT", str(static_root))
    env.setdefault("ALLOWED_HOSTS", "kst.example.com,testserver")
    env.setdefault("DATABASE_URL", "sqlite:///:memory:")
    env.setdefault("CELERY_BROKER_URL", "")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", PROBE],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_behind_a_tls_proxy_the_forwarded_proto_is_trusted_and_everything_is_secure(collected):
    s, stderr = probe(collected, BEHIND_PROXY="true", SITE_URL="https://kst.example.com")
    assert s["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["redirect"] and s["session_secure"] and s["csrf_secure"] and s["hsts"] >= 31536000
    # nginx says the browser used https: the page is served, with HSTS.
    assert s["proxied_status"] == 200 and "max-age=31536000" in s["proxied_hsts"]
    # A plain-http request that reached gunicorn is sent to https; healthchecks are not.
    assert s["plain_status"] == 301 and s["plain_location"].startswith("https://")
    assert s["healthz_status"] in (200, 503)
    assert s["origins"] == ["https://kst.example.com", "https://testserver"]
    assert "INSECURE_PLAIN_HTTP" not in stderr


def test_the_plain_http_switch_turns_off_redirect_secure_cookies_and_hsts_together_loudly(collected):
    s, stderr = probe(collected, INSECURE_PLAIN_HTTP="true", SITE_URL="http://192.168.1.20:8000")
    assert not s["redirect"] and not s["session_secure"] and not s["csrf_secure"] and s["hsts"] == 0
    assert s["plain_status"] == 200
    assert "INSECURE_PLAIN_HTTP=true" in stderr and "clear text" in stderr
    assert s["origins"] == ["http://192.168.1.20:8000", "http://kst.example.com", "http://testserver"]


def test_trusted_origins_come_from_site_url_and_allowed_hosts_on_the_served_scheme():
    assert trusted_origins("https://kst.example.com", ["kst.example.com", "10.0.0.5"], "https") == [
        "https://kst.example.com",
        "https://10.0.0.5",
    ]
    assert trusted_origins("https://kst.example.com", [".example.com", "*"], "https") == [
        "https://kst.example.com",
        "https://*.example.com",
    ]
    assert trusted_origins("http://192.168.1.20:8000", ["192.168.1.20"], "http") == [
        "http://192.168.1.20:8000",
        "http://192.168.1.20",
    ]


def test_explicit_trusted_origins_win(collected):
    s, _ = probe(collected, CSRF_TRUSTED_ORIGINS="https://a.example.com", SITE_URL="https://kst.example.com")
    assert s["origins"] == ["https://a.example.com"]
    assert s["proxy_header"] is None
    assert s["proxied_status"] == 301  # without BEHIND_PROXY a client cannot claim https


def test_check_deploy_warns_when_site_url_still_points_at_this_machine():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(ALLOWED_HOSTS="kst.example.com", DATABASE_URL="sqlite:///:memory:", SITE_URL=""),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "kesutong.W001" in result.stderr + result.stdout
