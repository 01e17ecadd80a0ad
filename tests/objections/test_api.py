import datetime
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from objections.models import Objection
from promises.models import Commitment
from tests.factories import CustomerFactory
from tests.objections.factories import ObjectionFactory, closed

pytestmark = pytest.mark.django_db
URL = "/api/objections/"


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _payload(**overrides):
    data = {
        "customer": CustomerFactory().pk,
        "stage": "closing",
        "words": "这个价格我做不了主，要问老板",
        "type": "authority",
        "genuineness": "hidden",
        "hidden_belief": "觉得价格偏高，拿老板当挡箭牌",
        "cause": "distrust",
        "technique": "questioning",
        "response": "约老板一起见面",
        "outcome": "pending",
    }
    data.update(overrides)
    return data


def test_salesperson_creates_an_objection_with_a_promise(make_user):
    me = make_user(Role.SALES)
    due = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    response = _api(me).post(URL, _payload(find_out={"what": "查老板行程", "due_at": due}), format="json")
    assert response.status_code == 201, response.data
    assert response.data["owner"] == me.pk and response.data["type"] == "authority"
    assert Commitment.objects.get().source == Objection.objects.get()


def test_bad_input_is_refused_in_chinese(make_user):
    client = _api(make_user(Role.SALES))
    cases = [
        (_payload(hidden_belief=""), "hidden_belief", "隐藏的异议必须填写您判断的背后真实原因。"),
        (_payload(outcome="won"), "outcome_date", "已有结果时必须填写结果日期。"),
        (_payload(type="weather"), "type", "请从列表中选择异议类型。"),
        (
            _payload(find_out={"what": "查", "due_at": "2020-01-01T00:00:00Z"}),
            "find_out_due_at",
            "承诺的答复时间必须晚于现在（北京时间 ",  # … 2026-12-02 14:05）。 tests/core/test_timezones.py
        ),
    ]
    for payload, field, message in cases:
        response = client.post(URL, payload, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 400, response.data
        assert [e[: len(message)] for e in response.data["errors"][field]] == [message], response.data
    assert not Objection.objects.exists() and not Commitment.objects.exists()


def test_the_same_submit_token_returns_the_first_objection(make_user):
    client, token = _api(make_user(Role.SALES)), str(uuid.uuid4())
    first = client.post(URL, _payload(submit_token=token), format="json")
    second = client.post(URL, _payload(submit_token=token), format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.data["id"] == second.data["id"] and Objection.objects.count() == 1


def test_list_shows_only_my_objections_and_filters(make_user):
    me = make_user(Role.SALES)
    ObjectionFactory(owner=me, outcome="won")
    mine_pending = ObjectionFactory(owner=me)
    ObjectionFactory()
    client = _api(me)
    assert client.get(URL).data["count"] == 2
    response = client.get(URL, {"outcome": "pending"})
    assert [o["id"] for o in response.data["results"]] == [mine_pending.pk]


def test_manager_lists_everyone_and_filters_by_salesperson(make_user):
    a, b = ObjectionFactory(), ObjectionFactory()
    client = _api(make_user(Role.SALES_MANAGER))
    assert client.get(URL).data["count"] == 2
    assert [o["id"] for o in client.get(URL, {"owner": b.owner_id}).data["results"]] == [b.pk]
    assert client.get(f"{URL}{a.pk}/").status_code == 200
    assert client.patch(f"{URL}{a.pk}/", {"response": "改"}, format="json").status_code == 403


def test_another_salesperson_gets_404_on_read_write_and_delete(make_user):
    objection = ObjectionFactory()
    client = _api(make_user(Role.SALES))
    assert client.get(f"{URL}{objection.pk}/").status_code == 404
    assert client.patch(f"{URL}{objection.pk}/", {"response": "x"}, format="json").status_code == 404
    assert client.delete(f"{URL}{objection.pk}/").status_code == 404
    assert Objection.objects.filter(pk=objection.pk).exists()


def test_other_roles_are_refused(make_user):
    client = _api(make_user(Role.FINANCE))
    assert client.get(URL).status_code == 403
    assert client.post(URL, _payload(), format="json").status_code == 403
    assert client.get(f"{URL}playbook/").status_code == 403


def test_owner_records_the_outcome_and_deletes(make_user):
    objection = ObjectionFactory()
    client = _api(objection.owner)
    today = timezone.localdate().isoformat()
    response = client.patch(f"{URL}{objection.pk}/", {"outcome": "won", "outcome_date": today}, format="json")
    assert response.status_code == 200 and response.data["outcome"] == "won"
    response = client.patch(f"{URL}{objection.pk}/", {"outcome_date": None}, format="json")
    assert response.status_code == 400 and "outcome_date" in response.data["errors"]
    assert client.delete(f"{URL}{objection.pk}/").status_code == 204


def test_playbook_endpoint(make_user, settings):
    settings.PLAYBOOK_MIN_CASES = 2
    closed("won", technique="evidence", n=2)
    closed("lost", technique="ignore", n=2)
    closed("won", technique="yes_but", n=1)
    data = _api(make_user(Role.SALES)).get(f"{URL}playbook/", {"type": "price"}).data
    assert data["min_cases"] == 2
    (section,) = data["sections"]
    assert [r["technique"] for r in section["rows"]] == ["evidence", "ignore"]
    assert section["rows"][0]["success_rate"] == 1.0 and section["thin_responses"] == 1


def test_trends_endpoint_is_for_the_manager(make_user):
    ObjectionFactory(outcome="won")
    assert _api(make_user(Role.SALES)).get(f"{URL}trends/").status_code == 403
    data = _api(make_user(Role.SALES_MANAGER)).get(f"{URL}trends/").data
    assert data["total"]["count"] == 1 and data["total"]["win_rate"] == 1.0


def test_types_endpoint_lists_the_editable_list(make_user):
    codes = [t["code"] for t in _api(make_user(Role.SALES)).get(f"{URL}types/").data]
    assert codes == ["need", "product", "price", "source", "timing", "authority", "budget", "service"]


def test_schema_has_the_objection_endpoints_without_warnings(tmp_path, capsys):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(out), "--validate")
    warnings = capsys.readouterr().err
    assert "objections" not in warnings, warnings  # other apps answer for their own
    schema = out.read_text()
    for path in ["/api/objections/:", "/api/objections/{id}/:", "/api/objections/playbook/:"]:
        assert path in schema
    assert "/api/objections/trends/:" in schema and "/api/objections/types/:" in schema
