"""Group robots (WeCom, DingTalk, Feishu) beside e-mail, tasks run in-process against a local
server that plays the three platforms and checks their signatures and payloads
(tests/notify/robot_server.py). The real worker runs them in test_robot_worker_delivery.py."""

import datetime
import logging
import uuid

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.roles import Role
from notify.models import Notification, NotifyPreference, RobotAttempt, RobotDelivery, RobotWebhook
from notify.services import notify
from notify.tasks import backoff, resend_notifications, send_one, send_robot_one
from tests.notify.robot_server import robot_platforms

pytestmark = pytest.mark.django_db

SITE = "https://kst.example.com"


@pytest.fixture(scope="module")
def server():
    with robot_platforms(hang_seconds=2.0) as platforms:
        yield platforms


@pytest.fixture
def platforms(server, settings):
    settings.NOTIFY_ROBOT_EXTRA_HOSTS = ["127.0.0.1"]
    settings.NOTIFY_ROBOT_TIMEOUT_SECONDS = 1.0
    settings.SITE_URL = SITE
    server.reset()
    server.secrets.clear()
    yield server
    server.reset()


def robot(platforms, platform, *, roles=(), owner=None, secret="", name="售后群"):
    token = uuid.uuid4().hex[:12]
    return RobotWebhook.objects.create(
        name=name,
        platform=platform,
        url=platforms.url(platform, token, secret),
        secret=secret,
        roles=list(roles),
        owner=owner,
    ), token


def event(recipients, *, cc=(), key=None, text="下一步: 请指派售后负责人"):
    """One event through notify(), as the apps write it; returns its rows."""
    return notify(
        event_key=key or f"test:{uuid.uuid4().hex}",
        event="test.message",
        recipients=recipients,
        cc=cc,
        template="notify/email/message",
        context={"title": "售后计划已制定", "text": f"客户：华北油田\n{text}"},
        link="/tickets/KS-2026-000012/",
        number="KS-2026-000012",
    )


def deliveries():
    return list(RobotDelivery.objects.order_by("pk"))


def send_all_robots() -> None:
    for d in deliveries():
        send_robot_one(d.pk)


@pytest.mark.parametrize(
    ("platform", "secret"),
    [("wecom", ""), ("dingtalk", "SECdingtalk-secret-123"), ("feishu", "feishu-secret-xyz")],
)
def test_each_platform_gets_one_signed_message_with_title_next_step_and_link(
    platforms, make_user, platform, secret, django_capture_on_commit_callbacks
):
    _bot, token = robot(platforms, platform, roles=[Role.SALES_MANAGER], secret=secret)
    managers = [
        make_user(Role.SALES_MANAGER, full_name="王经理"),
        make_user(Role.SALES_MANAGER, full_name="李经理"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        event(managers)

    posted = platforms.posted_to(token)
    assert len(posted) == 1  # one message for the group, not one per manager
    text = posted[0].get("title", "") + "\n" + posted[0]["text"]
    assert "[KS-2026-000012] 售后计划已制定" in text
    assert "下一步: 请指派售后负责人" in text
    assert f"{SITE}/tickets/KS-2026-000012/" in text
    assert "王经理" in text and "李经理" in text
    assert "您好" not in text  # no greeting to one person in a group
    delivery = RobotDelivery.objects.get()
    assert delivery.status == RobotDelivery.Status.SENT and delivery.attempts == 1
    assert delivery.notifications.count() == 2
    attempt = delivery.attempt_log.get()
    assert (attempt.outcome, attempt.status_code) == (RobotAttempt.Outcome.SENT, 200)
    assert '"errcode": 0' in attempt.response or '"code": 0' in attempt.response
    # E-mail went out as before, one per person.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in managers)


@pytest.mark.parametrize("platform", ["dingtalk", "feishu"])
def test_a_wrong_signing_secret_is_refused_by_the_platform_and_recorded(platforms, make_user, platform):
    bot, token = robot(platforms, platform, roles=[Role.QC], secret="the-real-secret")
    bot.secret = "a-stale-secret"
    bot.save()
    event([make_user(Role.QC)])
    send_all_robots()
    assert platforms.posted_to(token) == []
    delivery = RobotDelivery.objects.get()
    assert delivery.status == RobotDelivery.Status.PENDING  # retried later: it was not posted
    attempt = delivery.attempt_log.get()
    assert attempt.outcome == RobotAttempt.Outcome.REFUSED
    assert "310000" in attempt.error or "19021" in attempt.error
    assert "the-real-secret" not in attempt.response + attempt.error + delivery.last_error


def test_robots_follow_the_recipients_roles(platforms, make_user):
    sales_bot, sales_token = robot(platforms, "wecom", roles=[Role.SALES, Role.SALES_MANAGER], name="销售群")
    _qc_bot, qc_token = robot(platforms, "dingtalk", roles=[Role.QC], name="质检群")
    _unassigned, unassigned_token = robot(platforms, "feishu", roles=[], name="没有角色")
    off, off_token = robot(platforms, "wecom", roles=[Role.SALES])
    RobotWebhook.objects.filter(pk=off.pk).update(active=False)
    event([make_user(Role.SALES)], cc=[make_user(Role.SALES_MANAGER)])
    send_all_robots()
    assert len(platforms.posted_to(sales_token)) == 1
    assert platforms.posted_to(qc_token) == []
    assert platforms.posted_to(unassigned_token) == [] and platforms.posted_to(off_token) == []
    assert [d.robot_id for d in deliveries()] == [sales_bot.pk]


def test_a_personal_robot_carries_only_its_owners_notifications(platforms, make_user):
    owner, colleague = make_user(Role.QC, full_name="赵质检"), make_user(Role.QC)
    _bot, token = robot(platforms, "feishu", owner=owner, name="我的飞书")
    event([colleague])
    event([owner, colleague])
    send_all_robots()
    posted = platforms.posted_to(token)
    assert len(posted) == 1 and "赵质检" in posted[0]["text"]


def test_default_is_email_only_and_a_user_may_turn_email_off(platforms, make_user):
    plain = make_user(Role.SALES)
    quiet = make_user(Role.SALES)
    _bot, token = robot(platforms, "wecom", owner=quiet)
    NotifyPreference.objects.create(user=quiet, email=False)
    rows = event([plain, quiet])
    for row in rows:
        send_one(row.pk)
    send_all_robots()
    assert [m.to for m in mail.outbox] == [[plain.email]]
    assert Notification.objects.get(recipient=quiet).status == Notification.Status.OFF
    assert len(platforms.posted_to(token)) == 1
    # Both still see it in the bell.
    assert plain.notifications.count() == quiet.notifications.count() == 1
    assert RobotDelivery.objects.filter(notifications__recipient=plain).count() == 0


def test_the_same_event_and_a_repeated_task_post_nothing_twice(platforms, make_user):
    _bot, token = robot(platforms, "dingtalk", roles=[Role.SALES], secret="SECx")
    people = [make_user(Role.SALES), make_user(Role.SALES)]
    event(people, key="ticket:7:plan:1")
    event(people, key="ticket:7:plan:1")  # the service ran twice for the same event
    (delivery,) = deliveries()
    assert send_robot_one(delivery.pk) is True
    assert send_robot_one(delivery.pk) is False  # redelivered or retried task
    resend_notifications()
    assert len(platforms.posted_to(token)) == 1
    assert delivery.attempt_log.count() == 1


def test_a_500_is_retried_with_backoff_then_posted_once(platforms, make_user, settings):
    settings.NOTIFY_RESEND_GRACE_SECONDS = 0
    _bot, token = robot(platforms, "wecom", roles=[Role.SALES])
    platforms.script(token, "500", "500")
    event([make_user(Role.SALES)])
    (delivery,) = deliveries()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        send_robot_one(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == RobotDelivery.Status.PENDING
    assert delivery.next_attempt_at == start + backoff(1)
    assert delivery.last_error == "HTTP 500"
    with time_machine.travel(start + backoff(1) - datetime.timedelta(seconds=1), tick=False):
        assert send_robot_one(delivery.pk) is False  # not due yet
    with time_machine.travel(start + backoff(1), tick=False):
        resend_notifications()
    with time_machine.travel(start + backoff(1) + backoff(2), tick=False):
        resend_notifications()
    delivery.refresh_from_db()
    assert delivery.status == RobotDelivery.Status.SENT and delivery.attempts == 3
    log = list(delivery.attempt_log.values_list("number", "outcome", "status_code"))
    assert log == [(1, "refused", 500), (2, "refused", 500), (3, "sent", 200)]
    assert "Internal Server Error" in delivery.attempt_log.first().response
    assert len(platforms.posted_to(token)) == 1


def test_an_error_code_answer_is_given_up_loudly_after_the_limit_and_mail_is_unaffected(
    platforms, make_user, settings, caplog
):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.NOTIFY_RESEND_GRACE_SECONDS = 0
    _bot, token = robot(platforms, "feishu", roles=[Role.SALES], secret="s3")
    platforms.script(token, "errcode", "errcode", "errcode", "errcode")
    person = make_user(Role.SALES)
    event([person])
    when = timezone.now()
    for _ in range(5):
        when += datetime.timedelta(days=1)
        with time_machine.travel(when, tick=False):
            resend_notifications()
    delivery = RobotDelivery.objects.get()
    assert delivery.status == RobotDelivery.Status.FAILED and delivery.attempts == 3
    assert "11232" in delivery.last_error and "frequency limited" in delivery.last_error
    assert [a.outcome for a in delivery.attempt_log.all()] == ["refused", "refused", "failed"]
    assert any(r.levelno == logging.ERROR and "given up" in r.getMessage() for r in caplog.records)
    assert platforms.posted_to(token) == []
    # The mail of the same event went out regardless.
    assert Notification.objects.get().status == Notification.Status.SENT
    assert [m.to for m in mail.outbox] == [[person.email]]


def test_a_robot_that_times_out_is_recorded_uncertain_and_never_posted_twice(
    platforms, make_user, settings, caplog, admin_client
):
    settings.NOTIFY_RESEND_GRACE_SECONDS = 0
    _bot, token = robot(platforms, "dingtalk", roles=[Role.SALES], secret="SECt")
    platforms.script(token, "hang")
    event([make_user(Role.SALES)])
    (delivery,) = deliveries()
    send_robot_one(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == RobotDelivery.Status.UNCERTAIN
    attempt = delivery.attempt_log.get()
    assert attempt.outcome == RobotAttempt.Outcome.UNCERTAIN and "timed out" in attempt.error
    assert 0.9 < attempt.seconds < 2.0
    assert any(r.levelno == logging.ERROR and "NOT resending" in r.getMessage() for r in caplog.records)
    assert not any("access_token=" + token in r.getMessage() for r in caplog.records)  # the token is masked
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        resend_notifications()
    assert len(platforms.posted_to(token)) == 1  # the group saw it once (the answer came late)

    # An admin decides to post it again, accepting a possible duplicate.
    response = admin_client.post(
        "/admin/core/robotdelivery/", {"action": "retry", "_selected_action": [delivery.pk]}, follow=True
    )
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (RobotDelivery.Status.PENDING, 0)
    send_robot_one(delivery.pk)
    assert len(platforms.posted_to(token)) == 2


def test_an_unreachable_robot_is_retried_and_the_message_kept(platforms, make_user, settings):
    _bot, _token = robot(platforms, "wecom", roles=[Role.SALES])
    RobotWebhook.objects.update(url="http://127.0.0.1:9/cgi-bin/webhook/send?key=nobody-listens")
    event([make_user(Role.SALES)])
    (delivery,) = deliveries()
    send_robot_one(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == RobotDelivery.Status.PENDING
    assert "Connection refused" in delivery.last_error or "ConnectionRefused" in delivery.last_error
    assert delivery.attempt_log.get().status_code is None


def test_an_address_outside_the_platforms_is_never_posted_to(platforms, make_user, settings):
    settings.NOTIFY_ROBOT_EXTRA_HOSTS = []  # the local server is no longer allowed
    _bot, _token = robot(platforms, "wecom", roles=[Role.SALES])
    event([make_user(Role.SALES)])
    send_all_robots()
    delivery = RobotDelivery.objects.get()
    assert delivery.status == RobotDelivery.Status.FAILED
    assert "qyapi.weixin.qq.com" in delivery.last_error
    assert platforms.requests == []


def test_a_removed_robot_skips_its_pending_messages(platforms, make_user):
    bot, _token = robot(platforms, "wecom", roles=[Role.SALES])
    event([make_user(Role.SALES)])
    bot.delete()
    send_all_robots()
    delivery = RobotDelivery.objects.get()
    assert delivery.status == RobotDelivery.Status.SKIPPED and delivery.robot_name
    assert platforms.requests == []


def test_admin_lists_show_no_webhook_key_or_secret(platforms, admin_client, make_user):
    bot, token = robot(platforms, "dingtalk", roles=[Role.SALES], secret="SECvery-secret")
    platforms.script(token, "500")
    event([make_user(Role.SALES)])
    send_all_robots()
    for page in [
        "/admin/core/robotwebhook/",
        f"/admin/core/robotwebhook/{bot.pk}/change/",
        "/admin/core/robotdelivery/",
        f"/admin/core/robotdelivery/{RobotDelivery.objects.get().pk}/change/",
    ]:
        body = admin_client.get(page).content.decode()
        assert "SECvery-secret" not in body, page
        if "change" not in page or "robotdelivery" in page:
            assert token not in body, page
    delivery_page = admin_client.get(f"/admin/core/robotdelivery/{RobotDelivery.objects.get().pk}/change/")
    assert "HTTP 500" in delivery_page.content.decode() or "500" in delivery_page.content.decode()


def test_admin_keeps_the_secret_when_the_field_is_left_blank(platforms, admin_client):
    bot, _token = robot(platforms, "feishu", roles=[Role.QC], secret="keep-me")
    response = admin_client.post(
        f"/admin/core/robotwebhook/{bot.pk}/change/",
        {
            "name": "质检群",
            "platform": "feishu",
            "url": bot.url,
            "secret": "",
            "roles": ["qc", "sales"],
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    bot.refresh_from_db()
    assert bot.secret == "keep-me" and bot.roles == ["qc", "sales"] and bot.name == "质检群"


def test_admin_refuses_an_address_outside_the_platforms(admin_client, settings):
    settings.NOTIFY_ROBOT_EXTRA_HOSTS = []
    response = admin_client.post(
        "/admin/core/robotwebhook/add/",
        {
            "name": "内网",
            "platform": "dingtalk",
            "url": "http://10.0.0.8/robot/send?access_token=x",
            "roles": ["qc"],
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "https://oapi.dingtalk.com/" in response.content.decode()
    assert not RobotWebhook.objects.exists()
