"""docker-compose.yml cannot run here (no Docker engine), so validate it offline."""

import json
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
