"""The customer history with the real providers: complaint tickets (tickets app) and objections
in one timeline, newest first, linked where the viewer may open them, at a fixed query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from objections.models import Objection
from tests.accounting.factories import make_ticket
from tests.factories import ShipmentFactory
from tests.objections.factories import ObjectionFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _at(model, obj, days_ago: int) -> None:
    when = timezone.now() - datetime.timedelta(days=days_ago)
    model.objects.filter(pk=obj.pk).update(created_at=when)


@pytest.fixture
def history():
    shipment = ShipmentFactory()
    customer = shipment.customer
    old = ObjectionFactory(customer=customer, words="你们的价格太高了")
    ticket = make_ticket(shipment=shipment, description="接箍渗漏三根")
    new = ObjectionFactory(customer=customer, owner=old.owner, words="交货期能不能再短一点")
    _at(Objection, old, 3)
    _at(Ticket, ticket, 2)
    _at(Objection, new, 1)
    return customer, old, ticket, new


def test_customer_history_shows_tickets_and_objections_in_time_order(client, history):
    customer, old, ticket, new = history
    client.force_login(old.owner)  # the salesperson who logged both objections
    body = _main(client.get(reverse("objections:customer-history", args=[customer.pk])))
    texts = ("交货期能不能再短一点", ticket.number, "你们的价格太高了")
    newest, middle, oldest = (body.index(s) for s in texts)
    assert newest < middle < oldest
    assert f'href="{ticket.get_absolute_url()}"' in body and "接箍渗漏三根" in body
    assert f'href="{old.get_absolute_url()}"' in body and f'href="{new.get_absolute_url()}"' in body
    assert "客诉工单" in body and "异议" in body


def test_other_roles_open_the_ticket_but_read_objections_only(client, make_user, history):
    customer, old, ticket, _ = history
    client.force_login(make_user(Role.FINANCE))
    body = _main(client.get(reverse("objections:customer-history", args=[customer.pk])))
    assert f'href="{ticket.get_absolute_url()}"' in body
    assert "你们的价格太高了" in body and old.get_absolute_url() not in body


def test_customer_history_query_count_does_not_grow_with_tickets(client, history):
    customer, old, ticket, _ = history
    url = reverse("objections:customer-history", args=[customer.pk])
    client.force_login(old.owner)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        make_ticket(shipment=ticket.shipment)
        ObjectionFactory(customer=customer, owner=old.owner)
    with CaptureQueriesContext(connection) as many:
        body = _main(client.get(url))
    assert body.count("KS-") >= 6
    assert len(many) == len(few)
