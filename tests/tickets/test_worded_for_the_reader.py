"""Notifications and the timeline are worded in the reader's language (issue 15 point 8):
stored as a template/code and parameters, not as sentences in the writer's language."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from notify.models import Notification
from notify.params import Msg, NotStorable, dump, load
from notify.services import notify
from tests.tickets.factories import step_data
from tickets import services
from tickets.models import State

pytestmark = pytest.mark.django_db


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_chinese_readers_notification_reads_english_once_they_switch(client, people, new_ticket):
    ticket = new_ticket()  # the project manager is told, in Chinese (their e-mail language)
    row = Notification.objects.get(event="ticket.received", recipient=people.pm)
    assert row.template and "新客诉" in row.subject
    client.force_login(people.pm)
    assert "新客诉" in client.get(reverse("notifications")).content.decode()
    body = _english(client).get(reverse("notifications")).content.decode()
    assert f"New complaint {ticket.number}" in body and "新客诉" not in body
    assert "Customer: " in body  # the body, shown under "Show message", too


def test_the_worker_writes_the_mail_in_the_recipients_language(
    people, new_ticket, django_capture_on_commit_callbacks
):
    people.prod.language = "en"
    people.prod.save()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = new_ticket()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address[people.prod.email].subject.startswith(f"New complaint {ticket.number}")
    assert "新客诉" in by_address[people.pm.email].subject


def test_a_row_from_before_shows_its_stored_text(client, people):
    Notification.objects.create(
        key="old:1", event="ticket.received", recipient=people.pm, subject="旧通知：原样显示", body="旧正文"
    )
    client.force_login(people.pm)
    assert "旧通知：原样显示" in _english(client).get(reverse("notifications")).content.decode()


def test_a_notification_naming_a_deleted_record_shows_its_stored_text(client, people, make_user):
    other = make_user(Role.SALES, full_name="已删除的人")
    row = notify(
        event_key="x",
        event="test.message",
        recipients=[people.pm],
        template="notify/email/message",
        context={"title": Msg("Your KeSuTong account"), "text": other},
    )[0]
    other.delete()
    row.refresh_from_db()
    client.force_login(people.pm)
    assert "客诉通账号" in client.get(reverse("notifications")).content.decode()


def test_parameters_keep_their_types_and_refuse_lazy_text(people):
    value = {"who": people.pm, "when": datetime.date(2026, 3, 2), "msg": Msg("Home")}
    assert load(dump(value)) == value
    with pytest.raises(NotStorable):
        dump({"title": gettext_lazy("Home")})


def test_the_timeline_says_what_the_system_wrote_in_the_readers_language(client, people, new_ticket):
    ticket = services.ticket_transition(
        ticket=new_ticket(), to="plan", by=people.pm, data=step_data("plan", people)
    )
    ticket = services.ticket_transition(
        ticket=ticket, to="assign", by=people.prod, data=step_data("assign", people)
    )
    assert ticket.state == State.ASSIGNED
    event = ticket.events.get(action="assign")
    assert event.code == "assign" and event.text == ""
    client.force_login(people.prod)
    assert "售后负责人：" in client.get(ticket.get_absolute_url()).content.decode()
    english = _english(client).get(ticket.get_absolute_url()).content.decode()
    assert "Service lead: " in english and "售后负责人：" not in english
    assert "螺纹加工超差" in english  # what the manager wrote stays as written
    api = _english(client).get(reverse("api-tickets-detail", args=[ticket.number])).json()
    assert any(e["text"].startswith("Service lead: ") for e in api["events"])
