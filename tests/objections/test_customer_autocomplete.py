"""The customer filter of "my objections" and the trends offers, by typing, only the
customers of objections the user may see: what ObjectionFilter(narrow_choices=True) accepts."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import CustomerFactory

from .factories import ObjectionFactory

pytestmark = pytest.mark.django_db
URL = "objections:customer-autocomplete"


def _names(response) -> list[str]:
    assert response.status_code == 200
    return [r["text"].split(" ", 1)[1] for r in response.json()["results"]]


def test_a_salesperson_finds_only_the_customers_of_their_own_objections(client, make_user):
    me, colleague = make_user(Role.SALES), make_user(Role.SALES)
    ObjectionFactory(owner=me, customer=CustomerFactory(name="大庆油田"))
    ObjectionFactory(owner=colleague, customer=CustomerFactory(name="胜利油田"))
    CustomerFactory(name="长庆油田")  # no objection at all
    client.force_login(me)
    assert _names(client.get(reverse(URL), {"q": "油田"})) == ["大庆油田"]


def test_the_sales_manager_finds_everyones_or_with_mine_only_their_own(client, make_user):
    manager, rep = make_user(Role.SALES_MANAGER), make_user(Role.SALES)
    ObjectionFactory(owner=manager, customer=CustomerFactory(name="大庆油田"))
    ObjectionFactory(owner=rep, customer=CustomerFactory(name="胜利油田"))
    CustomerFactory(name="长庆油田")
    client.force_login(manager)
    assert _names(client.get(reverse(URL), {"q": "油田"})) == ["大庆油田", "胜利油田"]
    assert _names(client.get(reverse(URL), {"q": "油田", "mine": "1"})) == ["大庆油田"]
    # The "my objections" page points its customer box at the narrowed list.
    page = client.get(reverse("objections:mine")).content.decode()
    assert f'data-autocomplete="{reverse(URL)}?mine=1"' in page


def test_others_may_not_ask(client, make_user):
    client.force_login(make_user(Role.QC))
    assert client.get(reverse(URL), {"q": "油"}).status_code == 403
    client.logout()
    assert client.get(reverse(URL), {"q": "油"}).status_code == 302
