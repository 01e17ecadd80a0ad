"""The outbox with tasks run in-process: rows in the caller's transaction, language,
subject number, absolute link, at most once, backoff, giving up loudly."""

import datetime
import logging

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notify.models import Notification
from notify.services import notify
from notify.tasks import backoff, resend_notifications, send_one

pytestmark = pytest.mark.django_db


def _notify(recipients, key="evt:1", cc=(), **kw):
    return notify(
        event_key=key,
        event="test.message",
        recipients=recipients,
        cc=cc,
        template="notify/email/message",
        context={"title": kw.pop("title", "投诉已接收"), "text": "请处理"},
        link=kw.pop("link", "/promises/"),
        number=kw.pop("number", "KS-2026-0007"),
    )


def test_rows_are_written_and_sent_only_when_the_action_commits(people, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _notify([people["zh"]])
        raise RuntimeError("the action failed")
    assert not Notification.objects.exists()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        _notify([people["zh"]])
    assert len(mail.outbox) == 1
    assert Notification.objects.get().status == Notification.Status.SENT


def test_mail_is_in_each_recipients_language_with_number_and_absolute_link(
    people, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://kst.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        _notify([people["zh"]], cc=[people["en"]])
    by_to = {m.to[0]: m for m in mail.outbox}
    zh, en = by_to[people["zh"].email], by_to[people["en"].email]
    assert zh.subject == "[KS-2026-0007] 投诉已接收"
    assert "张三，您好" in zh.body
    assert "Hello Li Si," in en.body
    assert "https://kst.example.com/promises/" in zh.body and "https://kst.example.com/promises/" in en.body
    assert Notification.objects.get(recipient=people["en"]).cc is True


def test_the_same_event_twice_notifies_nobody_twice(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify([people["zh"], people["zh"]], cc=[people["zh"]])
        _notify([people["zh"]])
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_retried_send_task_does_not_mail_again(people):
    row = _notify([people["zh"]])[0]
    assert send_one(row.pk) is True
    assert send_one(row.pk) is False  # the task redelivered or retried after the send
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.SENT, 1)


def test_an_unreachable_mail_server_is_retried_with_growing_backoff(people, settings):
    settings.EMAIL_BACKEND = "tests.notify.backends.ConnectRefusedBackend"
    row = _notify([people["zh"]])[0]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        send_one(row.pk)
    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING
    assert row.next_attempt_at == start + backoff(1)
    assert "Connection refused" in row.last_error
    # Not due yet: the resend task leaves it alone.
    with time_machine.travel(start + backoff(1) - datetime.timedelta(seconds=1), tick=False):
        assert send_one(row.pk) is False
    with time_machine.travel(start + backoff(1), tick=False):
        send_one(row.pk)
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at == start + backoff(1) + backoff(2)
    assert backoff(2) == 2 * backoff(1) and backoff(30) == datetime.timedelta(hours=6)


def test_a_refusing_server_is_given_up_loudly_after_the_limit(people, settings, caplog):
    settings.EMAIL_BACKEND = "tests.notify.backends.RejectingBackend"
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.NOTIFY_RESEND_GRACE_SECONDS = 0
    row = _notify([people["zh"]])[0]
    when = timezone.now()
    for _ in range(5):
        when += datetime.timedelta(days=1)
        with time_machine.travel(when, tick=False):
            resend_notifications()
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED
    assert row.attempts == 3
    assert "554" in row.last_error
    assert any(r.levelno == logging.ERROR and "given up" in r.getMessage() for r in caplog.records)


def test_a_send_whose_outcome_is_unknown_is_never_resent(people, settings, caplog):
    settings.EMAIL_BACKEND = "tests.notify.backends.DisconnectMidSendBackend"
    settings.NOTIFY_RESEND_GRACE_SECONDS = 0
    row = _notify([people["zh"]])[0]
    send_one(row.pk)
    row.refresh_from_db()
    assert row.status == Notification.Status.UNCERTAIN
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        resend_notifications()
    assert mail.outbox == []
    assert any(r.levelno == logging.ERROR and "NOT resending" in r.getMessage() for r in caplog.records)


def test_a_row_left_sending_by_a_dead_worker_becomes_uncertain_not_resent(people, settings):
    settings.NOTIFY_SENDING_LEASE_MINUTES = 10
    row = _notify([people["zh"]])[0]
    claimed = timezone.now()
    # A worker claimed the row and died before recording the outcome.
    Notification.objects.filter(pk=row.pk).update(status=Notification.Status.SENDING, claimed_at=claimed)
    with time_machine.travel(claimed + datetime.timedelta(minutes=9)):
        resend_notifications()
    row.refresh_from_db()
    assert row.status == Notification.Status.SENDING  # still within its lease
    with time_machine.travel(claimed + datetime.timedelta(minutes=11)):
        resend_notifications()
    row.refresh_from_db()
    assert row.status == Notification.Status.UNCERTAIN
    assert mail.outbox == []


def test_resend_sends_rows_the_broker_never_got_after_the_grace_period(people, settings):
    settings.NOTIFY_RESEND_GRACE_SECONDS = 30
    row = _notify([people["zh"]])[0]  # no on_commit here: as if the broker had been down
    resend_notifications()
    assert mail.outbox == []  # too young: the task queued at commit may still come
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31)):
        resend_notifications()
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT


def test_a_recipient_without_email_is_skipped_but_still_sees_it_in_app(make_user):
    user = make_user(email="")
    row = _notify([user])[0]
    send_one(row.pk)
    row.refresh_from_db()
    assert row.status == Notification.Status.SKIPPED
    assert user.notifications.filter(read_at__isnull=True).count() == 1


def test_inactive_people_get_no_rows(make_user):
    assert _notify([make_user(is_active=False)]) == []


def test_admin_can_filter_failed_rows_and_send_them_again(admin_client, people, settings):
    settings.EMAIL_BACKEND = "tests.notify.backends.DisconnectMidSendBackend"
    row = _notify([people["zh"]])[0]
    send_one(row.pk)
    page = admin_client.get("/admin/core/notification/?status__exact=uncertain")
    assert row.subject in page.content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = admin_client.post(
        "/admin/core/notification/",
        {"action": "retry", "_selected_action": [row.pk]},
        follow=True,
    )
    assert response.status_code == 200
    row.refresh_from_db()
    # The on_commit send does not run inside the test transaction; the row waits, reset.
    assert (row.status, row.attempts) == (Notification.Status.PENDING, 0)
    send_one(row.pk)
    assert len(mail.outbox) == 1
