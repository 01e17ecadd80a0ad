"""The quality dashboard and the 8D page in Chromium, desktop (1366×768) and phone (390×844):
charts drawn, a click on a bar opens its tickets, screenshots for a person to look at."""

import pytest

from accounts.roles import Role
from tests.accounting.factories import purge_books
from tests.insight.conftest import people, shipment, world  # noqa: F401 - the hand-counted tickets

pytestmark = pytest.mark.django_db(transaction=True)
PERIOD = "?date_from=2026-10-01&date_to=2026-11-30"
SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def books():
    yield
    purge_books()


@pytest.mark.parametrize("size", SIZES)
def test_dashboard_and_8d_page(page, books, world, make_user, login, screenshot, size):  # noqa: F811
    gm = make_user(Role.GENERAL_MANAGER)
    login(page, gm)  # at the default size: the phone header hides the user's name it waits for
    page.set_viewport_size(SIZES[size])
    page.goto(f"{page.base_url}/insight/{PERIOD}")
    page.wait_for_selector("#chart-pareto-defect")
    assert page.locator("canvas[data-chart]").count() == 10
    assert page.locator("#cost").is_visible()
    page.screenshot(path=str(screenshot(page, f"insight-dashboard-{size}")).replace(".png", "-top.png"))
    if size == "desktop":
        # a click on the first Pareto bar (the defect with most complaints) opens its tickets
        chart = page.locator("#chart-pareto-defect")
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()  # two bars: the first one's middle is about a quarter across
        page.mouse.click(box["x"] + box["width"] * 0.28, box["y"] + box["height"] * 0.8)
        page.wait_for_url("**/tickets/all/**")
        numbers = set(page.locator("table.ticket-table tbody a.fw-semibold").all_inner_texts())
        assert numbers == {world[k].number for k in "ABD"}
    page.goto(f"{page.base_url}/insight/8d/{world['A'].number}/")
    page.wait_for_selector("#D8")
    assert "热处理不足" in page.locator("main").inner_text()
    screenshot(page, f"insight-8d-{size}")
