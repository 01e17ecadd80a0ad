"""The production static build: `collectstatic` with WhiteNoise's manifest storage fails on
any file a stylesheet or script references that is not there (a dangling source map, an
icon font), so running it is the test. It needs no database or service."""

import json
import re
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[2] / "static" / "vendor"


def test_vendored_assets_reference_only_files_that_exist():
    pattern = re.compile(r"sourceMappingURL=([^\s*]+)")
    for path in (p for p in VENDOR.rglob("*") if p.is_file()):
        for name in pattern.findall(path.read_text(encoding="utf-8", errors="replace")):
            assert (path.parent / name).exists(), f"{path.name} points at {name}, which is not vendored"


def test_collectstatic_with_production_settings_succeeds_and_writes_a_manifest(collected):
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    for name in (
        "vendor/bootstrap.min.css",
        "vendor/bootstrap.bundle.min.js",
        "vendor/htmx.min.js",
        "css/app.css",
    ):
        hashed = manifest[name]
        assert hashed != name and (collected / hashed).exists()
        assert (collected / f"{hashed}.gz").exists()  # compressed copies served by WhiteNoise
