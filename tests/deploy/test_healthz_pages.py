"""/healthz tells the truth about pages: 503 when the static build is missing or stale,
not only when the database or the broker is down."""

import json
import shutil

import pytest

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_static(settings, collected, tmp_path):
    """The production storage on a copy of a real build, which each test may spoil."""
    root = tmp_path / "staticfiles"
    shutil.copytree(collected, root)
    settings.CELERY_BROKER_URL = ""
    settings.STATIC_ROOT = root
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    return root


def test_healthz_renders_a_page_in_development(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["pages"] == "ok"


def test_healthz_is_ok_with_a_complete_static_build(client, production_static):
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "not configured (tasks run eagerly)",
        "pages": "ok",
    }


def test_healthz_fails_when_collectstatic_was_never_run(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = ""
    settings.STATIC_ROOT = tmp_path / "empty"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert "Missing staticfiles manifest entry" in response.json()["pages"]
    assert response.json()["database"] == "ok"


def test_healthz_fails_when_the_build_predates_an_asset_the_layout_uses(client, settings, production_static):
    manifest_path = production_static / "staticfiles.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["paths"]["js/app.js"]
    manifest_path.write_text(json.dumps(manifest))
    settings.STORAGES = {**settings.STORAGES}  # a fresh storage reads the edited manifest
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "js/app.js" in response.json()["pages"]


def test_healthz_fails_when_a_hashed_file_is_gone_from_static_root(client, settings, production_static):
    manifest = json.loads((production_static / "staticfiles.json").read_text())["paths"]
    (production_static / manifest["vendor/htmx.min.js"]).unlink()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert manifest["vendor/htmx.min.js"] in response.json()["pages"]
