"""Finding the customer by typing on the intake form, and its shipments offered (Chromium)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.roles import Role
from masterdata.models import Customer
from tests.factories import CustomerFactory, ShipmentFactory

from .intake import choose, offered


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    """live_server tests flush the tables, taking the role groups of the data migration."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def test_typing_finds_the_customer_among_thousands_and_offers_only_its_shipments(
    page, make_user, login, screenshot
):
    Customer.objects.bulk_create(Customer(code=f"C{i:05d}", name=f"华北油田第{i}采油厂") for i in range(3000))
    mine = CustomerFactory(code="DQ-0001", name="大庆油田装备有限公司")
    first = ShipmentFactory(
        customer=mine,
        product__name="石油套管 139.7mm",
        lot_number="DQ-LOT-1",
        ship_date=datetime.date(2026, 10, 8),
    )
    ShipmentFactory(
        customer=mine, product=first.product, lot_number="DQ-LOT-2", ship_date=datetime.date(2026, 9, 1)
    )
    ShipmentFactory(customer=CustomerFactory(name="大庆石化有限公司"), lot_number="OTHER-LOT")
    login(page, make_user(Role.SALES, full_name="王晓明"))
    responses = []
    page.on("response", lambda r: responses.append(r) if "/autocomplete/" in r.url else None)
    page.goto(page.base_url + "/tickets/new/")
    # The page holds no customer list: the select has only its empty choice.
    assert page.locator("#id_customer option").count() == 1
    expect(page.locator("#id_customer-ts-control")).to_be_focused()  # type at once

    page.locator("#id_customer-ts-control").press_sequentially("大庆", delay=30)
    page.wait_for_function(
        "() => { const rows = [...document.querySelectorAll('#id_customer-ts-dropdown .option')];"
        " return rows.length && rows.every(r => r.textContent.includes('大庆')); }"
    )
    rows = page.locator("#id_customer-ts-dropdown .option").all_inner_texts()
    assert rows == [
        f"{c.code} {c.name}" for c in Customer.objects.filter(name__contains="大庆").order_by("code")
    ]
    screenshot(page, "tickets-intake-customer-autocomplete")
    page.locator("#id_customer-ts-dropdown .option", has_text="大庆油田装备").click()
    assert page.input_value("#id_customer") == str(mine.pk)
    assert all(r.status == 200 for r in responses) and len(responses) <= 4  # a few small requests

    # The shipment field now offers that customer's shipments, newest first, and no other's.
    rows = offered(page, "shipment")
    assert rows == ["2026-10-08 · 石油套管 139.7mm · DQ-LOT-1", "2026-09-01 · 石油套管 139.7mm · DQ-LOT-2"]
    screenshot(page, "tickets-intake-shipments-offered")
    page.locator("#id_shipment-ts-dropdown .option", has_text="DQ-LOT-1").click()
    assert page.input_value("#id_shipment") == str(first.pk)
    # Choosing the shipment fills product, lot and ship date, as before.
    assert page.input_value("#id_lot_number") == "DQ-LOT-1"
    assert page.input_value("#id_ship_date") == "2026-10-08"
    assert page.input_value("#id_product") == str(first.product_id)

    # Another customer: the shipment is cleared and the list is theirs.
    choose(page, "customer", "石化")
    assert page.input_value("#id_shipment") == ""
    rows = offered(page, "shipment")
    assert len(rows) == 1 and "OTHER-LOT" in rows[0]
