"""The REST API: same services and role rules as the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.tickets.factories import api_intake, image, step_data
from tickets.models import State, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def as_user(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        return client

    return as_user


def act(client, ticket, action, data=None, version=None):
    body = {"action": action, "data": data or {}}
    if version is not None:
        body["expected_version"] = version
    return client.post(reverse("api-tickets-transition", args=[ticket.number]), body, format="json")


def test_create_with_token_and_idempotency(api, people, shipment):
    client = api(people.sales)
    body = api_intake(shipment)
    first = client.post(reverse("api-tickets-list"), body, format="json")
    second = client.post(reverse("api-tickets-list"), body, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["number"] == second.json()["number"]
    assert first.json()["lot_number"] == shipment.lot_number
    assert Ticket.objects.count() == 1


def test_create_is_refused_for_finance(api, people, shipment):
    response = api(people.finance).post(reverse("api-tickets-list"), api_intake(shipment), format="json")
    assert response.status_code == 403


def test_list_filters_and_detail(api, people, new_ticket, walk):
    a = new_ticket()
    b = walk(new_ticket(description="油管弯曲"), State.PLANNED)
    client = api(people.qc)
    assert client.get(reverse("api-tickets-list")).json()["count"] == 2
    assert [
        t["number"] for t in client.get(reverse("api-tickets-list"), {"state": "planned"}).json()["results"]
    ] == [b.number]
    assert client.get(reverse("api-tickets-list"), {"q": "弯曲"}).json()["count"] == 1
    detail = client.get(reverse("api-tickets-detail", args=[a.number])).json()
    assert detail["events"][0]["kind"] == "created" and detail["allowed_actions"] == []
    assert api(people.pm).get(reverse("api-tickets-detail", args=[a.number])).json()["allowed_actions"] == [
        "plan",
        "reject",
    ]


def test_transition_statuses(api, people, new_ticket):
    ticket = new_ticket()
    assert act(api(people.sales), ticket, "plan", step_data("plan", people)).status_code == 403
    missing = act(api(people.pm), ticket, "plan", {"scope": "x"})
    assert missing.status_code == 400 and "start_date" in missing.json()["errors"]
    wrong = act(api(people.prod), ticket, "assign", {"lead": people.lead.pk})
    assert wrong.status_code == 409 and wrong.json()["code"] == "wrong_state"
    ok = act(
        api(people.pm),
        ticket,
        "plan",
        step_data("plan", people) | {"start_date": "2026-12-01", "end_date": "2026-12-03"},
        version=1,
    )
    assert ok.status_code == 200 and ok.json()["state"] == "planned" and ok.json()["version"] == 2
    stale = act(api(people.pm), ticket, "reject", {"reason": "x"}, version=1)
    assert stale.status_code == 409
    assert stale.json() | {} == {
        "code": "concurrent_change",
        "detail": "工单已被他人更新",
        "state": "planned",
        "version": 2,
    }


def test_notes_and_attachments(api, people, new_ticket):
    ticket = new_ticket()
    client = api(people.lead)
    response = client.post(
        reverse("api-tickets-notes", args=[ticket.number]),
        {"text": "内部备注", "internal": True},
        format="json",
    )
    assert response.status_code == 201 and response.json()["internal"] is True
    notes = client.get(reverse("api-tickets-notes", args=[ticket.number])).json()
    assert notes["count"] == 1 and [n["text"] for n in notes["results"]] == ["内部备注"]
    good = image("a.png", "PNG", size=(10, 10))
    bad = SimpleUploadedFile("b.jpg", b"text", content_type="image/jpeg")
    url = reverse("api-tickets-attachments", args=[ticket.number])
    assert client.post(url, {"photos": [bad]}, format="multipart").status_code == 400
    assert client.post(url, {"photos": [good]}, format="multipart").status_code == 201
    assert ticket.photos.count() == 1


def test_api_and_pages_agree(api, client, people, new_ticket):
    """The same action through the page and through the API gives the same ticket and timeline."""
    by_page, by_api = new_ticket(), new_ticket()
    data = step_data("plan", people)
    client.force_login(people.pm)
    client.post(
        reverse("tickets:act", args=[by_page.number, "plan"]),
        {f"plan-{k}": v for k, v in data.items()} | {"version": by_page.version},
    )
    act(api(people.pm), by_api, "plan", {k: str(v) for k, v in data.items()}, version=by_api.version)
    page_t, api_t = Ticket.objects.get(pk=by_page.pk), Ticket.objects.get(pk=by_api.pk)
    assert (page_t.state, page_t.version) == (api_t.state, api_t.version) == ("planned", 2)
    fields = ("kind", "action", "from_state", "to_state", "text", "actor")
    assert list(page_t.events.values_list(*fields)) == list(api_t.events.values_list(*fields))
    # and a refusal reads the same in both
    client.force_login(people.sales)
    page = client.post(reverse("tickets:act", args=[page_t.number, "assign"]), {}, follow=True)
    api_refusal = act(api(people.sales), api_t, "assign").json()["detail"]
    assert api_refusal in page.content.decode()


def test_schema_generates_without_warnings(capsys):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    err = capsys.readouterr().err
    assert "tickets" not in err


def test_api_list_makes_a_fixed_number_of_queries(api, people, new_ticket, django_assert_max_num_queries):
    client = api(people.qc)
    for _ in range(3):
        new_ticket()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("api-tickets-list"))
    for _ in range(20):
        new_ticket()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("api-tickets-list")).json()["count"] == 23
