"""The production static build: `collectstatic` with WhiteNoise's manifest storage fails on
any file a stylesheet or script references that is not there (a dangling source map, an
icon font), so running it is the test. It needs no database or service."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor"


def production_env(**extra: str) -> dict[str, str]:
    """The environment of a production process, without the test run's settings."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="build-only-secret-key-that-is-long-enough-0123456789abcdef",
        **extra,
    )
    return env


def test_vendored_assets_reference_only_files_that_exist():
    pattern = re.compile(r"sourceMappingURL=([^\s*]+)")
    for path in VENDOR.iterdir():
        for name in pattern.findall(path.read_text(encoding="utf-8", errors="replace")):
            assert (path.parent / name).exists(), f"{path.name} points at {name}, which is not vendored"


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


def test_collectstatic_with_production_settings_succeeds_and_writes_a_manifest(collected):
    import json

    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    for name in ("vendor/bootstrap.min.css", "vendor/bootstrap.bundle.min.js", "vendor/htmx.min.js", "css/app.css"):
        hashed = manifest[name]
        assert hashed != name and (collected / hashed).exists()
        assert (collected / f"{hashed}.gz").exists()  # compressed copies served by WhiteNoise
