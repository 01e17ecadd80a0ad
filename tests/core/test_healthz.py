import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_reports_database_and_eager_broker(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"].startswith("not configured")


@pytest.mark.django_db
def test_healthz_fails_when_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_reports_a_live_redis_broker(client, settings):
    settings.CELERY_BROKER_URL = os.environ.get("REDIS_URL") or settings.CELERY_BROKER_URL
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["broker"] == "ok"


@pytest.mark.postgres
@pytest.mark.django_db
def test_suite_runs_on_postgresql_when_configured():
    assert connection.vendor == "postgresql"
