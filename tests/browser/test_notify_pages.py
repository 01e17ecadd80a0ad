"""The header bell, my notifications, my promises and the managers' rates, in a browser."""

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from notify.models import Notification
from notify.services import notify
from promises.services import commitment_close, commitment_create
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _notify(user, key, title, link="/promises/"):
    notify(
        event_key=key,
        event="test.message",
        recipients=[user],
        template="notify/email/message",
        context={"title": title, "text": "请尽快处理。"},
        link=link,
        number=key,
    )


def test_the_bell_shows_my_unread_and_opening_one_marks_it_read(page, make_user, login, screenshot):
    me = make_user(Role.SALES, full_name="王晓明")
    other = make_user(Role.SALES)
    _notify(me, "KS-2026-0012", "投诉已接收：华东机械 轴承异响")
    _notify(me, "KS-2026-0013", "服务计划已确定：现场维修 3 月 5 日")
    _notify(other, "KS-2026-0099", "别人的通知")
    commitment_create(
        owner=me,
        by=me,
        description="下午三点前回电告知换货安排",
        due_at=timezone.now() + datetime.timedelta(minutes=40),
        customer=CustomerFactory(name="华东机械有限公司"),
    )
    login(page, me)
    assert page.locator("#unread-count").inner_text() == "2"
    page.click("#notification-menu button")
    page.wait_for_selector("#notification-menu .dropdown-menu.show")
    assert "别人的通知" not in page.locator("#notification-menu").inner_text()
    screenshot(page, "notify-bell-dropdown")

    page.click("text=投诉已接收：华东机械 轴承异响")
    page.wait_for_url("**/promises/")
    assert page.locator("#unread-count").inner_text() == "1"
    screenshot(page, "notify-my-promises")

    page.goto(f"{page.base_url}/notifications/")
    assert page.locator("#notification-list .list-group-item").count() == 2
    screenshot(page, "notify-my-notifications")
    page.click("main button:has-text('全部标为已读')")
    page.wait_for_selector("#notification-list")
    assert page.locator("#unread-count").count() == 0
    assert Notification.objects.filter(recipient=me, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1


def test_a_sales_manager_sees_each_persons_kept_on_time_rate(page, make_user, login, screenshot):
    manager = make_user(Role.SALES_MANAGER, full_name="李经理")
    for name, outcomes in [("张三", [True, True, True, False]), ("王五", [True, False])]:
        owner = make_user(Role.SALES, full_name=name)
        for kept in outcomes:
            c = commitment_create(
                owner=owner, by=owner, description="回电", due_at=timezone.now() + datetime.timedelta(hours=1)
            )
            commitment_close(commitment=c, by=owner, kept=kept, outcome_note="已答复" if kept else "")
    login(page, manager)
    page.click("text=承诺兑现率")
    page.wait_for_selector("#kept-rates")
    text = page.locator("#kept-rates").inner_text()
    assert "张三" in text and "75%" in text and "50%" in text
    screenshot(page, "notify-kept-rates")


def test_the_notification_pages_speak_english_on_request(page, make_user, login, screenshot):
    me = make_user(Role.SALES)
    _notify(me, "KS-2026-0014", "Complaint received: bearing noise")
    login(page, me)
    page.select_option("#language-select", "en")
    page.wait_for_selector("text=Sign out")
    page.goto(f"{page.base_url}/notifications/")
    assert page.locator("h1").inner_text() == "My notifications"
    assert "Mark all read" in page.locator("main").inner_text()
    page.click("#notification-menu button")
    page.wait_for_selector("#notification-menu .dropdown-menu.show")
    screenshot(page, "notify-notifications-en")


def test_a_page_left_open_shows_a_notification_that_came_in_later(page, make_user, login, settings):
    settings.NOTIFICATION_POLL_SECONDS = 1  # the live server runs in this process
    me = make_user(Role.SALES, full_name="王晓明")
    login(page, me)
    page.goto(page.base_url + "/promises/")
    assert page.locator("#unread-count").count() == 0
    _notify(me, "KS-2026-0020", "项目部已安排服务计划")
    page.wait_for_selector("#unread-count", timeout=5000)
    assert page.locator("#unread-count").inner_text() == "1"
    # The refreshed bell still opens and still lists the news.
    page.click("#notification-menu button")
    assert "项目部已安排服务计划" in page.locator("#notification-menu .dropdown-menu").inner_text()
