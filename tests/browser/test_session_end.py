"""A session that ends while a form is half filled in: the page says so, and what was typed
is saved once the user has signed in again in another tab."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from tests.browser.intake import choose
from tests.factories import ShipmentFactory
from tickets.models import Ticket

from .intake import finish_intake


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    """live_server tests flush the tables, taking the role groups of the data migration."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def test_signed_out_in_another_tab_then_back_the_half_typed_complaint_is_saved(
    page, make_user, login, screenshot, settings
):
    settings.NOTIFICATION_POLL_SECONDS = 1  # the bell notices the end of the session
    sales = make_user(Role.SALES, full_name="王晓明")
    shipment = ShipmentFactory(customer__name="大庆油田装备有限公司")
    login(page, sales)
    page.goto(page.base_url + "/tickets/new/")
    choose(page, "customer", "大庆")
    page.fill("#id_caller_name", "张工")
    page.fill("#id_customer_words", "接箍处漏了,井队已经停工!")
    page.fill("#id_description", "第三根套管接箍螺纹处渗漏")

    other = page.context.new_page()  # the same browser: same cookies
    other.base_url = page.base_url
    other.goto(page.base_url + "/tickets/")
    other.click("text=退出登录")
    other.wait_for_selector("#id_username")

    page.wait_for_selector("#session-ended", state="visible", timeout=5000)
    assert "本页已填写的内容仍然保留" in page.locator("#session-ended").inner_text()
    screenshot(page, "session-ended-banner")

    login(other, sales)  # signing in again replaces the CSRF token
    finish_intake(page)
    ticket = Ticket.objects.get()
    assert (ticket.customer, ticket.caller_name, ticket.customer_words) == (
        shipment.customer,
        "张工",
        "接箍处漏了,井队已经停工!",
    )
