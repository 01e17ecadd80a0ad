"""A ticket transition's e-mail end to end (issue 4 §5): the page action commits, the send
goes through Redis to a real `celery worker` subprocess, and the mail reaches an SMTP server
on loopback with the right recipients, subject (ticket number) and link. With the broker
unreachable the transition still succeeds and the mail goes out once the broker is back."""

import datetime
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from notify.models import Notification
from notify.tasks import resend_notifications
from tests.notify import test_worker_delivery as delivery
from tests.notify.live import free_port
from tests.tickets.factories import TicketFactory, step_data
from tickets.models import State, Ticket
from tickets.tasks import sla_escalations

# The worker, SMTP server and broker switch of the other delivery tests (module-scoped there,
# so this module starts its own worker).
SITE = delivery.SITE
smtp, worker_env, worker, live = delivery.smtp, delivery.worker_env, delivery.worker, delivery.live
_use_broker, _wait_status, _drained = delivery._use_broker, delivery._wait_status, delivery._drained

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def crew(make_user):
    class Crew:
        sales = make_user(Role.SALES, username="sales", language="zh-hans")
        pm = make_user(Role.PROJECT_MANAGER, username="pm", language="zh-hans")
        prod = make_user(Role.PRODUCTION_MANAGER, username="prod", language="zh-hans")
        prod_en = make_user(Role.PRODUCTION_MANAGER, username="prod_en", language="en")
        lead = make_user(Role.SERVICE_LEAD, username="lead")
        qc = make_user(Role.QC, username="qc")

    return Crew


@pytest.fixture
def ticket(crew):
    # A return: led by sales, so the sales person is copied on every step (§3-5.2.1).
    return TicketFactory(by=crew.sales, remedy="return")


def _plan(client, crew, ticket) -> None:
    client.force_login(crew.pm)
    data = {f"plan-{k}": v for k, v in step_data("plan", crew).items()} | {"version": ticket.version}
    started = time.monotonic()
    response = client.post(reverse("tickets:act", args=[ticket.number, "plan"]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert time.monotonic() - started < 10  # the request never waits for mail
    assert Ticket.objects.get(pk=ticket.pk).state == State.PLANNED


def _plan_mails(messages, ticket) -> list[dict]:
    return [m for m in messages if "售后计划已制定" in m["subject"] or "Service plan made" in m["subject"]]


def test_a_ticket_transition_mail_reaches_the_smtp_server(live, worker, client, crew, ticket):
    live.wait_for(4, timeout=30)  # the intake's own mails (managers, QC)
    live.reset()

    _plan(client, crew, ticket)

    messages = _plan_mails(live.wait_for(3, timeout=30), ticket)
    by_to = {m["to"][0]: m for m in messages}
    # plan -> the production managers; the sales person who logged the return in cc
    assert sorted(by_to) == sorted([crew.prod.email, crew.prod_en.email, crew.sales.email])
    link = f"{SITE}/tickets/{ticket.number}/"
    assert by_to[crew.prod.email]["subject"] == f"{ticket.number} 售后计划已制定"
    assert by_to[crew.prod_en.email]["subject"] == f"Service plan made for {ticket.number}"
    assert all(link in m["body"] for m in messages)
    assert "请安排售后负责人" in by_to[crew.prod.email]["body"]
    rows = Notification.objects.filter(event="ticket.plan")
    assert all(_wait_status(r.pk, Notification.Status.SENT).status == "sent" for r in rows)
    _drained(worker)
    assert len(_plan_mails(live.messages, ticket)) == 3  # nobody twice


def test_with_the_broker_down_a_transition_succeeds_and_its_mail_goes_out_when_it_is_back(
    live, worker, client, crew, ticket, settings
):
    live.wait_for(4, timeout=30)
    live.reset()
    _use_broker(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there

    _plan(client, crew, ticket)

    rows = list(Notification.objects.filter(event="ticket.plan"))
    assert len(rows) == 3 and {r.status for r in rows} == {Notification.Status.PENDING}
    assert _plan_mails(live.wait_for(1, timeout=2), ticket) == []

    _use_broker(settings.CELERY_BROKER_URL)  # the broker is back; beat's next resend run:
    settings.NOTIFY_RESEND_GRACE_SECONDS = 0
    assert resend_notifications() == 3
    messages = _plan_mails(live.wait_for(3, timeout=30), ticket)
    assert sorted(m["to"][0] for m in messages) == sorted(
        [crew.prod.email, crew.prod_en.email, crew.sales.email]
    )
    assert all(f"{SITE}/tickets/{ticket.number}/" in m["body"] for m in messages)
    assert all(_wait_status(r.pk, Notification.Status.SENT).status == "sent" for r in rows)
    assert resend_notifications() == 0
    _drained(worker)
    assert len(_plan_mails(live.messages, ticket)) == 3


def test_the_sla_task_on_the_worker_mails_a_breach_once(live, worker, crew, ticket):
    live.wait_for(4, timeout=30)
    live.reset()
    # Logged 5 hours ago: its first-response target (high: 4 h) has passed.
    Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now() - datetime.timedelta(hours=5))

    runs = [
        sla_escalations.delay(),  # what beat sends every minute; the worker runs it
        sla_escalations.delay(),  # and the next minute's run: nothing more
    ]

    def breach(ms):
        return [m for m in ms if ticket.number in m["subject"] and "服务时限" in m["subject"]]

    messages = breach(live.wait_until(lambda ms: len(breach(ms)) >= 2, timeout=30))
    # first response overdue -> project managers (and sales managers: none here); sales in cc
    assert sorted(m["to"][0] for m in messages) == sorted([crew.pm.email, crew.sales.email])
    # rendered on the worker: its own SITE_URL
    assert all(f"/tickets/{ticket.number}/" in m["body"] for m in messages)
    assert "首次响应" in messages[0]["subject"]
    for run in runs:  # both runs done, then the sends they queued
        worker.wait_task(run.id)
    _drained(worker)
    assert len(breach(live.messages)) == 2
