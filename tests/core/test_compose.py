"""docker-compose.yml cannot run here (no Docker engine), so validate it offline."""

import json
import os
from pathlib import Path

import yaml
from check_jsonschema.builtin_schemas import get_builtin_schema
from jsonschema import Draft7Validator

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_compose_file_matches_the_compose_specification():
    schema = get_builtin_schema("vendor.compose-spec")
    errors = sorted(Draft7Validator(schema).iter_errors(_compose()), key=str)
    assert not errors, "\n".join(e.message for e in errors)


def test_every_depends_on_names_a_real_service():
    services = _compose()["services"]
    for name, service in services.items():
        for dep in service.get("depends_on", {}):
            assert dep in services, f"{name} depends on unknown service {dep}"


def test_the_stack_has_its_parts_with_healthchecks_and_a_database_volume():
    compose = _compose()
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(compose["services"])
    for name in ("postgres", "redis", "web"):
        assert "healthcheck" in compose["services"][name], name
    volumes = compose["services"]["postgres"]["volumes"]
    named = [v.split(":")[0] for v in volumes]
    assert any(v in compose.get("volumes", {}) for v in named)
    assert json.dumps(compose).count("healthz") >= 1


BIN = COMPOSE.parent / "bin"


def test_every_app_service_runs_a_bin_script_that_exists():
    """docker-compose, the Dockerfile and the README start the same bin/ entry points."""
    services = _compose()["services"]
    for name in ("migrate", "web", "worker", "beat"):
        command = services[name]["command"]
        script = command[0] if isinstance(command, list) else command.split()[0]
        assert script.startswith("bin/"), f"{name} runs {command!r}, not a bin/ script"
        path = COMPOSE.parent / script
        assert path.is_file() and os.access(path, os.X_OK), f"{name}: {script} is missing or not executable"


def test_web_waits_for_the_one_shot_migrate_and_beat_is_never_scaled():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["restart"] == "no"
    assert services["beat"]["deploy"]["replicas"] == 1
    # web publishes a port range so `--scale web=N` does not collide on one host port.
    assert "-" in services["web"]["ports"][0].rsplit(":", 1)[0]
