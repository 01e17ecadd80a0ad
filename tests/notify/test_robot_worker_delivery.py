"""Group robots end to end: a ticket transition posted to the page commits, the robot
messages go through Redis to a real `celery worker` subprocess and reach a local server
playing WeCom, DingTalk and Feishu (tests/notify/robot_server.py: signatures and payloads
checked as the platforms do), beside the mail to the SMTP server. A robot answering 500 is
retried and posted once; one that times out is recorded uncertain and never posted twice;
with the broker down the action succeeds and the resend posts once it is back."""

import time

import pytest
from django.urls import reverse

from accounts.roles import Role
from notify.models import Notification, RobotDelivery, RobotWebhook
from notify.tasks import resend_notifications, send_robot_deliveries
from tests.factories import ShipmentFactory
from tests.notify import test_worker_delivery as delivery
from tests.notify.live import Worker, free_port
from tests.notify.robot_server import robot_platforms
from tests.tickets.factories import intake_data, step_data
from tickets import services
from tickets.models import State, Ticket

SITE = delivery.SITE
smtp, worker_env, live = delivery.smtp, delivery.worker_env, delivery.live
_use_broker = delivery._use_broker

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

WORKER_ENV = {
    "NOTIFY_ROBOT_EXTRA_HOSTS": "127.0.0.1",  # the local platforms
    "NOTIFY_ROBOT_TIMEOUT_SECONDS": "1",
    "NOTIFY_RETRY_BASE_SECONDS": "1",
}


@pytest.fixture(scope="module")
def server():
    with robot_platforms(hang_seconds=2.5) as platforms:
        yield platforms


@pytest.fixture(scope="module")
def worker(worker_env):
    """This module's worker (the `live` fixture uses it): robots on loopback allowed."""
    w = Worker(**worker_env, env=WORKER_ENV)
    try:
        w.wait_ready()
        yield w
    finally:
        w.stop()


@pytest.fixture
def platforms(server, settings):
    settings.NOTIFY_ROBOT_EXTRA_HOSTS = ["127.0.0.1"]
    server.reset()
    yield server
    server.reset()


@pytest.fixture
def crew(make_user):
    class Crew:
        sales = make_user(Role.SALES, username="sales", full_name="孙销售")
        pm = make_user(Role.PROJECT_MANAGER, username="pm", full_name="周经理")
        prod = make_user(Role.PRODUCTION_MANAGER, username="prod", full_name="吴厂长")
        prod_en = make_user(Role.PRODUCTION_MANAGER, username="prod_en", language="en", full_name="Zheng")
        lead = make_user(Role.SERVICE_LEAD, username="lead")
        qc = make_user(Role.QC, username="qc")

    return Crew


def _robots(platforms) -> dict[str, RobotWebhook]:
    """A production managers' group on each platform; DingTalk and Feishu sign their requests."""
    made = {}
    for platform, secret in [("wecom", ""), ("dingtalk", "SECprod-ding"), ("feishu", "prod-feishu")]:
        made[platform] = RobotWebhook.objects.create(
            name="生产群",
            platform=platform,
            url=platforms.url(platform, f"prod-{platform}", secret),
            secret=secret,
            roles=[Role.PRODUCTION_MANAGER],
        )
    return made


def _ticket(crew, platforms) -> Ticket:
    """A logged return, once the worker has posted the intake's own robot messages."""
    ticket = services.ticket_create(by=crew.sales, **intake_data(ShipmentFactory(), remedy="return"))
    deadline = time.monotonic() + 30
    while RobotDelivery.objects.filter(status__in=["pending", "sending"]).exists():
        assert time.monotonic() < deadline, "the intake's robot messages were not posted"
        time.sleep(0.1)
    platforms.reset()
    return ticket


def _plan(client, crew, ticket) -> None:
    client.force_login(crew.pm)
    data = {f"plan-{k}": v for k, v in step_data("plan", crew).items()} | {"version": ticket.version}
    started = time.monotonic()
    response = client.post(reverse("tickets:act", args=[ticket.number, "plan"]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert time.monotonic() - started < 10  # the request never waits for a robot
    assert Ticket.objects.get(pk=ticket.pk).state == State.PLANNED


def _wait_delivery(pk: int, statuses: set[str], timeout: float = 30) -> RobotDelivery:
    deadline = time.monotonic() + timeout
    while True:
        row = RobotDelivery.objects.get(pk=pk)
        if row.status in statuses or time.monotonic() > deadline:
            return row
        time.sleep(0.1)


def _plan_deliveries(ticket) -> list[RobotDelivery]:
    return list(RobotDelivery.objects.filter(key__contains=f"ticket:{ticket.pk}:plan:").order_by("pk"))


def test_a_ticket_transition_reaches_each_platforms_group_once_beside_the_mail(live, platforms, client, crew):
    _robots(platforms)
    ticket = _ticket(crew, platforms)
    live.wait_for(4, timeout=30)
    live.reset()

    _plan(client, crew, ticket)

    done = platforms.wait_until(lambda rs: len({r["token"] for r in rs}) >= 3, timeout=30)
    assert len(done) >= 3, [d.status for d in RobotDelivery.objects.all()]
    for platform in ("wecom", "dingtalk", "feishu"):
        posted = platforms.posted_to(f"prod-{platform}")
        assert len(posted) == 1, platform  # two production managers, one message to their group
        text = posted[0].get("title", "") + "\n" + posted[0]["text"]
        assert f"{ticket.number} 售后计划已制定" in text  # in Chinese, for the group
        assert "下一步" in text and "吴厂长" in text and "Zheng" in text
        assert f"{SITE}/tickets/{ticket.number}/" in text or f"/tickets/{ticket.number}/" in text
    for row in _plan_deliveries(ticket):
        row = _wait_delivery(row.pk, {"sent"})
        assert row.status == "sent" and row.attempts == 1
        # The attempt is logged just after the status is set: wait for it, bounded.
        deadline = time.monotonic() + 10
        while not row.attempt_log.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert row.attempt_log.get().status_code == 200
    # The mail went out as before: two production managers, the sales person in cc.
    mails = [m for m in live.wait_for(3, timeout=30) if ticket.number in m["subject"]]
    expected = [crew.prod.email, crew.prod_en.email, crew.sales.email]
    assert sorted(m["to"][0] for m in mails) == sorted(expected)
    time.sleep(0.5)
    assert len(platforms.posted) == 3


def test_a_robot_answering_500_is_retried_by_the_worker_and_posted_once(
    live, platforms, client, crew, settings
):
    _robots(platforms)
    ticket = _ticket(crew, platforms)
    platforms.script("prod-dingtalk", "500")

    _plan(client, crew, ticket)

    ding = next(d for d in _plan_deliveries(ticket) if d.robot.platform == "dingtalk")
    deadline = time.monotonic() + 20
    while not ding.attempt_log.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    first = ding.attempt_log.first()
    assert (first.outcome, first.status_code) == ("refused", 500)
    ding.refresh_from_db()
    assert ding.status == "pending" and ding.last_error == "HTTP 500"
    # The other groups are not held up by DingTalk.
    assert len(platforms.posted_to("prod-wecom")) == 1 and len(platforms.posted_to("prod-feishu")) == 1

    time.sleep(1.2)  # the worker's backoff (NOTIFY_RETRY_BASE_SECONDS=1)
    settings.NOTIFY_RESEND_GRACE_SECONDS = 0
    resend_notifications()  # beat's next run, queued through Redis to the worker
    ding = _wait_delivery(ding.pk, {"sent"})
    assert ding.status == "sent" and ding.attempts == 2
    assert list(ding.attempt_log.values_list("status_code", flat=True)) == [500, 200]
    resend_notifications()
    time.sleep(0.5)
    assert len(platforms.posted_to("prod-dingtalk")) == 1


def test_a_robot_that_times_out_is_recorded_uncertain_and_not_posted_twice(live, platforms, client, crew):
    _robots(platforms)
    ticket = _ticket(crew, platforms)
    platforms.script("prod-feishu", "hang")

    _plan(client, crew, ticket)

    feishu = next(d for d in _plan_deliveries(ticket) if d.robot.platform == "feishu")
    feishu = _wait_delivery(feishu.pk, {"uncertain", "sent", "failed"})
    assert feishu.status == "uncertain"
    attempt = feishu.attempt_log.get()
    assert attempt.outcome == "uncertain" and "timed out" in attempt.error and attempt.status_code is None
    assert "prod-feishu" not in feishu.last_error  # the hook's token stays out of the record
    # The task delivered again by the broker, and beat: nothing is posted a second time.
    send_robot_deliveries.delay([feishu.pk])
    resend_notifications()
    time.sleep(3)
    assert len(platforms.posted_to("prod-feishu")) == 1  # the group saw it once (the answer came late)
    assert RobotDelivery.objects.get(pk=feishu.pk).attempts == 1
    # The mail of the same event went out regardless.
    rows = Notification.objects.filter(event="ticket.plan")
    assert rows.count() == 3
    deadline = time.monotonic() + 20
    while rows.exclude(status="sent").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not rows.exclude(status="sent").exists()


def test_with_the_broker_down_robots_are_posted_once_it_is_back(live, platforms, client, crew, settings):
    _robots(platforms)
    ticket = _ticket(crew, platforms)
    _use_broker(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there

    _plan(client, crew, ticket)

    rows = _plan_deliveries(ticket)
    assert len(rows) == 3 and {r.status for r in rows} == {"pending"}
    assert platforms.wait_until(lambda rs: len(rs) >= 1, timeout=2) == []

    _use_broker(settings.CELERY_BROKER_URL)
    settings.NOTIFY_RESEND_GRACE_SECONDS = 0
    resend_notifications()
    for row in rows:
        assert _wait_delivery(row.pk, {"sent"}).status == "sent"
    resend_notifications()
    time.sleep(0.5)
    assert sorted(p["token"] for p in platforms.posted) == ["prod-dingtalk", "prod-feishu", "prod-wecom"]
