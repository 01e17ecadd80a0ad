"""Facts are recorded only when someone stated them (issue 15 point 3): the disposition form's
parts cost and the customer's satisfaction start blank, and a form sent without them is refused."""

import re

import pytest
from django.urls import reverse

from tests.tickets.factories import step_data
from tickets import services
from tickets.models import Disposition, PurchaseRequest, State

pytestmark = pytest.mark.django_db


def test_disposition_form_starts_blank(client, people, new_ticket, walk):
    ticket = walk(new_ticket(), State.IN_SERVICE)
    client.force_login(people.lead)
    body = client.get(ticket.get_absolute_url()).content.decode()
    cost = re.search(r'<input[^>]*name="submit_disposition-parts_cost"[^>]*>', body).group(0)
    assert "value=" not in cost
    select = re.search(r'<select[^>]*name="submit_disposition-satisfaction".*?</select>', body, re.S).group(0)
    assert re.search(r'<option value="" selected>', select) and select.count("selected") == 1


@pytest.mark.parametrize("missing", ["parts_cost", "satisfaction"])
def test_disposition_without_the_stated_fact_is_refused(client, people, new_ticket, walk, missing):
    ticket = walk(new_ticket(), State.IN_SERVICE)
    client.force_login(people.lead)
    data = {f"submit_disposition-{k}": v for k, v in step_data("submit_disposition", people).items()}
    del data[f"submit_disposition-{missing}"]
    response = client.post(
        reverse("tickets:act", args=[ticket.number, "submit_disposition"]), data | {"version": ticket.version}
    )
    assert response.status_code == 400 and "该字段是必填项" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == State.IN_SERVICE and not Disposition.objects.exists()


def test_zero_parts_cost_is_kept_when_stated(client, people, new_ticket, walk):
    ticket = walk(new_ticket(), State.IN_SERVICE)
    client.force_login(people.lead)
    data = {f"submit_disposition-{k}": v for k, v in step_data("submit_disposition", people).items()}
    data["submit_disposition-parts_cost"] = "0"
    client.post(
        reverse("tickets:act", args=[ticket.number, "submit_disposition"]), data | {"version": ticket.version}
    )
    assert Disposition.objects.get().parts_cost == 0


def test_follow_up_without_satisfaction_is_refused(client, people, new_ticket, walk):
    ticket = walk(new_ticket(), State.ARCHIVED)
    client.force_login(people.sales)
    response = client.post(
        reverse("tickets:act", args=[ticket.number, "follow_up"]),
        {"follow_up-note": "客户说还行", "version": ticket.version},
    )
    assert response.status_code == 400
    ticket.refresh_from_db()
    assert not ticket.followed_up


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("接箍 139.7mm ×3", [("接箍 139.7mm", 3)]),
        ("密封圈 x 2 根\n\n油管 114.3mm*12.5", [("密封圈", 2), ("油管 114.3mm", 12.5)]),
    ],
)
def test_purchase_items_keep_the_quantity_typed(people, new_ticket, walk, typed, expected):
    ticket = walk(new_ticket(), State.PLANNED)
    data = step_data("assign", people) | {"purchase_items": typed}
    services.ticket_transition(ticket=ticket, to="assign", by=people.prod, data=data)
    rows = PurchaseRequest.objects.filter(ticket=ticket).order_by("id")
    assert [(r.item, float(r.quantity)) for r in rows] == expected


def test_a_part_without_a_quantity_is_refused_not_bought_once(client, people, new_ticket, walk):
    ticket = walk(new_ticket(), State.PLANNED)
    client.force_login(people.prod)
    data = {f"assign-{k}": v for k, v in step_data("assign", people).items()}
    data["assign-purchase_items"] = "接箍 ×3\n密封圈"
    response = client.post(
        reverse("tickets:act", args=[ticket.number, "assign"]), data | {"version": ticket.version}
    )
    assert response.status_code == 400 and "密封圈" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == State.PLANNED and not ticket.purchases.exists()
