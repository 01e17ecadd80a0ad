"""How I am told, in a browser: turning e-mail off, adding my own group robot, and the list
showing how each notification went out (mail, robots, a robot's error)."""

import pytest

from accounts.roles import Role
from notify.models import NotifyPreference, RobotDelivery, RobotWebhook
from notify.services import notify
from notify.tasks import send_one, send_robot_one
from tests.notify.robot_server import robot_platforms

pytestmark = pytest.mark.django_db(transaction=True)

DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=0f6c4d2b9e8a7f3c1b5d"


def test_a_person_turns_email_off_and_adds_their_dingtalk_group(page, make_user, login, screenshot):
    me = make_user(Role.QC, full_name="赵质检")
    login(page, me)
    page.goto(f"{page.base_url}/notifications/settings/")
    page.uncheck("#id_email")
    page.click("#email-settings button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert NotifyPreference.objects.get(user=me).email is False

    page.select_option("#id_platform", "dingtalk")
    page.fill("#id_name", "质检小组")
    page.fill("#id_url", "http://10.0.0.8/robot/send?access_token=x")  # not DingTalk's
    page.click("#robot-form button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert "https://oapi.dingtalk.com/" in page.locator("#error-summary").inner_text()
    screenshot(page, "notify-robot-refused")

    page.fill("#id_url", DINGTALK)
    page.fill("#id_secret", "SECsecret-of-the-group")
    page.click("#robot-form button[type=submit]")
    page.wait_for_selector("#my-robots:has-text('质检小组')")
    text = page.locator("main").inner_text()
    assert "钉钉群机器人「质检小组」" in text and "已加签" in text
    assert "0f6c4d2b9e8a" not in page.content() and "SECsecret" not in page.content()
    assert RobotWebhook.objects.get(owner=me).secret == "SECsecret-of-the-group"
    screenshot(page, "notify-robot-settings")


def test_the_list_shows_each_channels_outcome(page, make_user, login, screenshot, settings):
    settings.NOTIFY_ROBOT_EXTRA_HOSTS = ["127.0.0.1"]
    settings.NOTIFY_ROBOT_TIMEOUT_SECONDS = 1.0
    me = make_user(Role.PRODUCTION_MANAGER, full_name="吴厂长")
    with robot_platforms() as platforms:
        for platform, name, token in [("wecom", "生产群", "w"), ("dingtalk", "厂长群", "d")]:
            url = platforms.url(platform, token)
            RobotWebhook.objects.create(platform=platform, name=name, url=url, roles=["production_manager"])
        platforms.script("d", "500")
        rows = notify(
            event_key="ticket:1:plan:2",
            event="ticket.plan",
            recipients=[me],
            template="notify/email/message",
            context={"title": "KS-2026-000123 售后计划已制定", "text": "下一步: 指派售后负责人"},
            link="/notifications/",
        )
        send_one(rows[0].pk)
        for d in RobotDelivery.objects.all():
            send_robot_one(d.pk)
    login(page, me)
    page.goto(f"{page.base_url}/notifications/")
    line = page.locator(".channels").first.inner_text()
    assert "邮件：已发送" in line and "企业微信群机器人「生产群」：已发送" in line
    assert "钉钉群机器人「厂长群」：待发送（HTTP 500）" in line
    screenshot(page, "notify-list-channels")
