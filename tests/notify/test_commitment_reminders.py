"""Reminders before a promise is due and escalations once it is overdue, each sent once,
at the right time (the clock is moved with time-machine; tasks run in-process)."""

import datetime

import pytest
import time_machine
from django.core import mail

from accounts.roles import Role
from promises.models import Commitment
from promises.services import commitment_close, commitment_create
from promises.tasks import commitment_reminders
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _run_at(when, capture):
    with time_machine.travel(when, tick=False), capture(execute=True):
        commitment_reminders()


@pytest.fixture
def promise(make_user):
    owner = make_user(Role.SALES, full_name="王五")
    with time_machine.travel(T0, tick=False):
        return commitment_create(
            owner=owner,
            by=owner,
            description="下午三点前回电告知换货安排",
            due_at=T0 + datetime.timedelta(hours=3),
            customer=CustomerFactory(name="华东机械"),
        )


def test_the_owner_is_reminded_once_an_hour_before_due(promise, django_capture_on_commit_callbacks):
    _run_at(T0 + datetime.timedelta(hours=1, minutes=59), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    _run_at(T0 + datetime.timedelta(hours=2, minutes=1), django_capture_on_commit_callbacks)
    _run_at(T0 + datetime.timedelta(hours=2, minutes=30), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [promise.owner.email]
    assert f"[P-{promise.pk}]" in message.subject and "提醒" in message.subject
    assert "下午三点前回电告知换货安排" in message.body and "华东机械" in message.body
    assert "/promises/" in message.body
    promise.refresh_from_db()
    assert promise.reminded_at == T0 + datetime.timedelta(hours=2, minutes=1)


def test_the_reminder_lead_time_is_configurable(promise, settings, django_capture_on_commit_callbacks):
    settings.COMMITMENT_REMIND_BEFORE = datetime.timedelta(minutes=15)
    _run_at(T0 + datetime.timedelta(hours=2, minutes=30), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    _run_at(T0 + datetime.timedelta(hours=2, minutes=46), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_an_overdue_promise_is_escalated_once_to_the_sales_managers(
    promise, make_user, django_capture_on_commit_callbacks
):
    manager = make_user(Role.SALES_MANAGER, language="en")
    make_user(Role.PRODUCTION_MANAGER)  # not the sales rep's manager
    _run_at(T0 + datetime.timedelta(hours=2, minutes=59), django_capture_on_commit_callbacks)
    mail.outbox.clear()  # the reminder
    _run_at(T0 + datetime.timedelta(hours=3, minutes=1), django_capture_on_commit_callbacks)
    _run_at(T0 + datetime.timedelta(hours=5), django_capture_on_commit_callbacks)
    assert sorted(tuple(m.to) for m in mail.outbox) == sorted([(manager.email,), (promise.owner.email,)])
    to_manager = next(m for m in mail.outbox if m.to == [manager.email])
    assert "Overdue promise of 王五" in to_manager.subject and f"P-{promise.pk}" in to_manager.subject
    promise.refresh_from_db()
    assert promise.escalated_at == T0 + datetime.timedelta(hours=3, minutes=1)


def test_a_kept_promise_is_never_escalated(promise, make_user, django_capture_on_commit_callbacks):
    make_user(Role.SALES_MANAGER)
    with time_machine.travel(T0 + datetime.timedelta(hours=1), tick=False):
        commitment_close(commitment=promise, by=promise.owner, kept=True, outcome_note="已回电")
    _run_at(T0 + datetime.timedelta(hours=2, minutes=30), django_capture_on_commit_callbacks)
    _run_at(T0 + datetime.timedelta(hours=4), django_capture_on_commit_callbacks)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("owner_role", "manager_role"),
    [(Role.QC, Role.PRODUCTION_MANAGER), (Role.SERVICE_LEAD, Role.PRODUCTION_MANAGER)],
)
def test_quality_and_service_promises_escalate_to_production(
    make_user, owner_role, manager_role, django_capture_on_commit_callbacks
):
    owner = make_user(owner_role)
    manager = make_user(manager_role)
    make_user(Role.SALES_MANAGER)
    with time_machine.travel(T0, tick=False):
        commitment_create(
            owner=owner, by=owner, description="回电", due_at=T0 + datetime.timedelta(minutes=5)
        )
    _run_at(T0 + datetime.timedelta(minutes=6), django_capture_on_commit_callbacks)
    assert {m.to[0] for m in mail.outbox} == {manager.email, owner.email}


def test_with_no_manager_in_that_role_the_staff_admins_hear(make_user, django_capture_on_commit_callbacks):
    owner = make_user(Role.SALES)
    admin = make_user(is_staff=True)
    with time_machine.travel(T0, tick=False):
        commitment_create(
            owner=owner, by=owner, description="回电", due_at=T0 + datetime.timedelta(minutes=5)
        )
    _run_at(T0 + datetime.timedelta(minutes=6), django_capture_on_commit_callbacks)
    assert {m.to[0] for m in mail.outbox} == {admin.email, owner.email}


def test_two_beat_runs_at_once_still_remind_once(promise, django_capture_on_commit_callbacks):
    # The claim is the conditional UPDATE; a second run finds reminded_at set.
    _run_at(T0 + datetime.timedelta(hours=2, minutes=1), django_capture_on_commit_callbacks)
    Commitment.objects.filter(pk=promise.pk).update(reminded_at=None)  # as if a racing run read it
    _run_at(T0 + datetime.timedelta(hours=2, minutes=2), django_capture_on_commit_callbacks)
    # The outbox key is the second safety net: the same event never mails twice.
    assert len(mail.outbox) == 1
