"""The whole API, fuzzed from its own OpenAPI schema by schemathesis as three roles:
no request may answer 5xx, and every documented response must match its schema (issue 11).

In-process: schemathesis calls the WSGI application directly, no server or network. The
run is bounded and reproducible (derandomized, API_FUZZ_EXAMPLES cases per operation and
role, no shrinking), so it takes about a minute in CI; set API_FUZZ_EXAMPLES higher for a
deeper run by hand. Failures are collected rather than raised, so one run reports them all.
"""

import os
from collections import Counter

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

pytestmark = [pytest.mark.django_db(transaction=True)]

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "8"))
ROLES = ["sales", "qc", "finance"]


def fuzz_operation(operation, role: str, headers: dict, figures: Counter, failures: list[str]) -> None:
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        figures["cases"] += 1
        response = case.call(headers=headers)
        if response.status_code >= 500:
            figures["5xx"] += 1
        try:
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance], headers=headers
            )
        except FailureGroup as exc:
            if response.status_code < 500:
                figures["violations"] += 1
            failures.append(
                f"{role} {operation.method.upper()} {operation.path} → {response.status_code}: "
                + "; ".join(f"{f.title}: {f.message}" for f in exc.exceptions)[:400]
            )

    run()


def fuzz(role: str, token: str, app) -> tuple[Counter, list[str]]:
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, headers=headers)
    figures: Counter = Counter()
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/auth/token/":
            continue  # signs in with guessed passwords: throttled and locked out by design
        fuzz_operation(operation, role, headers, figures, failures)
    return figures, failures


def test_the_api_keeps_its_schema_for_every_role(world, capsys):
    app = WSGIHandler()
    report, all_failures = [], []
    for role in ROLES:
        token = Token.objects.get_or_create(user=world.people[role])[0].key
        figures, failures = fuzz(role, token, app)
        report.append(
            f"{role}: {figures['cases']} cases, {figures['5xx']} 5xx, {figures['violations']} violations"
        )
        all_failures += failures
    with capsys.disabled():
        print("\nschemathesis: " + " | ".join(report))
    unique = sorted(set(all_failures))
    assert not unique, "\n".join(unique[:80])
