"""Every API refusal has one body, whichever app refused it and why (issue 11 point 2):
{"code", "detail" in Chinese, optional "errors" per field, optional context}; the schema says so."""

import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounting import services as accounting
from accounts.roles import Role
from objections.models import Objection
from tests.accounting.factories import finance_pair, make_dispute
from tests.objections.factories import ObjectionFactory
from tests.tickets.factories import step_data
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
ALLOWED_KEYS = {"code", "detail", "errors", "state", "version", "retry_after"}


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) <= ALLOWED_KEYS and {"code", "detail"} <= set(body), body
    assert body["code"] == code, body
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"]), body  # said in Chinese
    for field, messages in body.get("errors", {}).items():
        assert isinstance(field, str) and messages and all(isinstance(m, str) for m in messages)
    return body


def act(client, ticket, action, data, version=None):
    body = {"action": action, "data": data}
    if version is not None:
        body["expected_version"] = version
    return client.post(reverse("api-tickets-transition", args=[ticket.number]), body, format="json")


def test_tickets_refusals(people, new_ticket):
    ticket = new_ticket()
    assert_error(act(api(people.sales), ticket, "plan", step_data("plan", people)), 403, "forbidden")
    missing = assert_error(act(api(people.pm), ticket, "plan", {"scope": "x"}), 400, "missing_data")
    assert "start_date" in missing["errors"]
    wrong = assert_error(
        act(api(people.prod), ticket, "assign", {"lead": people.lead.pk}), 409, "wrong_state"
    )
    assert wrong["state"] == "received" and wrong["version"] == 1
    bad = assert_error(api(people.sales).post(reverse("api-tickets-list"), {}, format="json"), 400, "invalid")
    assert {"customer", "description"} <= set(bad["errors"])
    assert_error(api(people.qc).get(reverse("api-tickets-detail", args=["KS-NOPE"])), 404, "not_found")
    assert Ticket.objects.get().state == "received"


def test_objections_refusals(make_user):
    objection = ObjectionFactory()
    owner = api(objection.owner)
    url = f"/api/objections/{objection.pk}/"
    invalid = assert_error(owner.patch(url, {"outcome": "won"}, format="json"), 400, "invalid")
    assert "outcome_date" in invalid["errors"]
    assert_error(api(make_user(Role.FINANCE)).get("/api/objections/"), 403, "forbidden")
    assert_error(api(make_user(Role.SALES)).get(url), 404, "not_found")
    assert Objection.objects.get().outcome == objection.outcome


def test_accounting_refusals():
    preparer, reviewer = finance_pair()
    voucher = accounting.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)[0]
    client = api(reviewer)
    refused = assert_error(
        client.post(reverse("accounting-api:voucher-action", args=[voucher.pk, "post"])), 409, "wrong_state"
    )
    assert "已审核" in refused["detail"]
    assert_error(
        client.post(reverse("accounting-api:voucher-action", args=[voucher.pk, "shred"])), 404, "not_found"
    )
    bad = assert_error(client.post(reverse("accounting-api:dispute-list"), {}, format="json"), 400, "invalid")
    assert "node" in bad["errors"]
    preview = client.post(reverse("accounting-api:dispute-preview"), {"node": "nowhere"}, format="json")
    assert_error(preview, 400, "invalid")
    voucher.refresh_from_db()
    assert voucher.state == "draft"


def test_framework_refusals(people):
    assert_error(APIClient().get(reverse("api-tickets-list")), 403, "not_authenticated")
    deep = "[" * 5000 + "]" * 5000
    parse = api(people.sales).post(reverse("api-tickets-list"), deep, content_type="application/json")
    assert_error(parse, 400, "parse_error")
    assert_error(api(people.qc).get("/api/tickets/?q=%00"), 400, "bad_request")
    assert_error(api(people.qc).get("/api/tickets/%00/"), 400, "bad_request")


def test_throttled_and_locked_out_say_when(people):
    cache.clear()
    client = APIClient()
    statuses = [
        client.post("/api/auth/token/", {"username": "qc", "password": "wrong"}, format="json")
        for _ in range(12)
    ]
    last = statuses[-1]
    body = assert_error(last, 429, "throttled" if "retry_after" in last.json() else "locked_out")
    assert body.get("retry_after", 1) > 0


def test_the_schema_documents_the_one_shape(people):
    schema = api(people.qc).get("/api/schema/?format=json").json()
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "detail"]
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert len(operations) > 30
    for path, method, op in operations:
        for status in ("400", "403", "404"):
            content = op["responses"][status]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/Error"}, (path, method, status)


def test_cli_preview_prints_the_same_shape(tmp_path):

    source = tmp_path / "bad.json"
    source.write_text(json.dumps({"node": "after_issue"}), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("dispute_vouchers", str(source))
    assert exit_info.value.code == 2
