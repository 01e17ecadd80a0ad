import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from promises.services import commitment_create
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _cards(client) -> str:
    html = client.get(reverse("home")).content.decode()
    return html[html.index('id="dashboard"') :]


def test_sales_sees_open_and_overdue_promises_on_the_home_page(client, make_user):
    me = make_user(Role.SALES)
    now = timezone.now()
    for hours in (1, 5):
        commitment_create(owner=me, by=me, description="回电", due_at=now + datetime.timedelta(hours=hours))
    with time_machine.travel(now + datetime.timedelta(hours=2)):
        client.force_login(me)
        cards = _cards(client)
    assert "我的未完成承诺" in cards and "1 项已逾期" in cards
    assert "待审核或过账的凭证" not in cards  # not finance


def test_finance_sees_vouchers_waiting_and_not_sales_cards(client, make_user):
    client.force_login(make_user(Role.FINANCE))
    cards = _cards(client)
    assert "待审核或过账的凭证" in cards
    assert "我的待定异议" not in cards


def test_home_page_queries_do_not_grow_with_data(client, make_user, django_assert_max_num_queries):
    me = make_user(Role.SALES, Role.FINANCE)
    client.force_login(me)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("home"))
    customer = CustomerFactory()
    for _ in range(10):
        commitment_create(
            owner=me,
            by=me,
            customer=customer,
            description="回电",
            due_at=timezone.now() + datetime.timedelta(days=1),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))
