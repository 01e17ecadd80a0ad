"""SLA clocks: flags in the lists and on the page, time per state, targets by severity
from the admin, and one escalation mail per ticket and target (clock moved by time-machine)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from notify.models import Notification
from tests.tickets.factories import TicketFactory, step_data
from tests.tickets.test_pages import main_content
from tickets import services
from tickets.models import SlaEscalation, SlaTarget, State, Ticket
from tickets.sla import sla_send_escalations, time_in_states
from tickets.tasks import sla_escalations

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC)  # 09:00 in Shanghai
H = datetime.timedelta(hours=1)


def at(delta: datetime.timedelta):
    return time_machine.travel(T0 + delta, tick=False)


@pytest.fixture
def logged(new_ticket):
    """logged(**fields) -> a ticket logged at T0 (severity high unless told: 4 h / 168 h)."""

    def make(when=datetime.timedelta(0), **overrides):
        with at(when):
            return new_ticket(**overrides)

    return make


@pytest.fixture
def act(people):
    """act(ticket, action, who, when) -> the ticket after that step, taken at T0 + when."""

    def do(ticket, name, who, when):
        with at(when):
            return services.ticket_transition(
                ticket=Ticket.objects.get(pk=ticket.pk), to=name, by=who, data=step_data(name, people)
            )

    return do


def flags(client, view="tickets:list") -> str:
    body = main_content(client.get(reverse(view)))
    return body


def test_defaults_are_seeded_for_every_severity():
    targets = {t.severity: t for t in SlaTarget.objects.all()}
    assert set(targets) == {"low", "medium", "high", "critical"}
    assert targets["critical"].first_response_hours < targets["low"].first_response_hours
    assert all(t.warn_percent == 20 for t in targets.values())


def test_a_new_ticket_is_flagged_due_soon_then_breached_in_both_lists(client, people, logged):
    ticket = logged()  # high: first response within 4 h, due soon in its last 48 min
    client.force_login(people.pm)
    with at(3 * H):
        body = flags(client)
        assert ticket.number in body and "data-sla" not in body
    with at(3 * H + datetime.timedelta(minutes=20)):
        body = flags(client)
        assert 'data-sla="soon"' in body and "即将超时：首次响应 40 分钟后" in body
        assert 'data-sla="soon"' in flags(client, "tickets:my_work")
    with at(5 * H):
        body = flags(client)
        assert 'data-sla="breached"' in body and "已超时：首次响应 +1 小时" in body
        assert 'data-sla="breached"' in flags(client, "tickets:my_work")


def test_planning_stops_the_first_response_clock(act, client, people, logged):
    ticket = logged()
    act(ticket, "plan", people.pm, 1 * H)
    client.force_login(people.pm)
    with at(6 * H):
        assert "data-sla" not in flags(client)
        page = main_content(client.get(ticket.get_absolute_url()))
    assert 'data-sla-clock="response" data-sla-status="met"' in page
    assert 'data-sla-clock="resolution" data-sla-status="ok"' in page
    assert Ticket.objects.get(pk=ticket.pk).responded_at == T0 + H


def test_the_ticket_page_flags_a_breach_and_shows_time_in_each_state(act, client, people, logged):
    ticket = logged()
    act(ticket, "plan", people.pm, 5 * H)  # responded 1 h late
    act(ticket, "assign", people.prod, 7 * H)
    client.force_login(people.qc)
    with at(200 * H):  # resolution (168 h) overrun
        page = main_content(client.get(ticket.get_absolute_url()))
    assert 'data-sla="breached"' in page and "已超时：解决 +1 天 8 小时" in page
    assert 'data-sla-clock="response" data-sla-status="missed"' in page and "超时 1 小时" in page
    times = page[page.index('id="sla-state-times"') :]
    times = times[: times.index("</table>")]
    assert "已接收" in times and "5 小时" in times
    assert "已计划" in times and "2 小时" in times
    assert "已指派" in times and "8 天 1 小时" in times and "(当前状态)" in times


def test_time_in_states_adds_up_repeated_visits_and_ignores_the_archive(act, people, logged, walk):
    ticket = logged()
    with at(H):
        ticket = walk(ticket, State.ARCHIVED)
    ticket = act(ticket, "reopen", people.qc, 10 * H)
    ticket = act(ticket, "plan", people.pm, 13 * H)
    with at(20 * H):
        times = {s.state: s for s in time_in_states(ticket, ticket.events.all())}
    assert times["received"].total == H
    assert times["reopened"].total == 3 * H
    assert times["planned"].visits == 2 and times["planned"].current
    assert times["planned"].total == 7 * H
    assert "archived" in times and times["archived"].total == 9 * H  # archived, then reopened


def test_a_rejected_ticket_stops_both_clocks_and_is_never_escalated(act, people, logged):
    ticket = logged()
    act(ticket, "reject", people.pm, 1 * H)
    ticket.refresh_from_db()
    assert ticket.responded_at == ticket.resolved_at == T0 + H
    with at(1000 * H):
        assert sla_send_escalations() == 0


def test_reopening_starts_the_resolution_clock_again(act, people, logged, walk):
    ticket = logged()
    with at(H):
        ticket = walk(ticket, State.ARCHIVED)
    assert ticket.resolved_at == T0 + H
    ticket = act(ticket, "reopen", people.qc, 100 * H)
    assert ticket.resolved_at is None and ticket.responded_at is not None
    with at(170 * H):
        assert sla_send_escalations() == 1
    assert SlaEscalation.objects.get().kind == "resolution"


def test_a_breach_is_escalated_once_per_ticket_and_target(
    act, people, logged, django_capture_on_commit_callbacks, make_user
):
    ticket = logged()
    boss = make_user(Role.SALES_MANAGER, username="boss2", language="en")
    with at(3 * H), django_capture_on_commit_callbacks(execute=True):
        assert sla_send_escalations() == 0  # not due yet
    with at(4 * H + datetime.timedelta(minutes=1)), django_capture_on_commit_callbacks(execute=True):
        assert sla_escalations() == 1
    rows = Notification.objects.filter(event="ticket.sla_response")
    to = {r.recipient.username for r in rows if not r.cc}
    cc = {r.recipient.username for r in rows if r.cc}
    assert to == {"pm", "salesmgr", "boss2"} and cc == {"sales"}
    assert len(mail.outbox) == 4
    zh = next(m for m in mail.outbox if m.to == [people.pm.email])
    assert ticket.number in zh.subject and "服务时限超时" in zh.subject and "首次响应" in zh.subject
    assert settings.SITE_URL.rstrip("/") + ticket.get_absolute_url() in zh.body
    en = next(m for m in mail.outbox if m.to == [boss.email])
    assert en.subject == f"SLA breached: First response of {ticket.number} is overdue"
    assert "The first response target for a high complaint (4 h from intake) was due at" in en.body

    with at(5 * H), django_capture_on_commit_callbacks(execute=True):
        assert sla_escalations() == 0  # once: the next beat runs send nothing
    act(ticket, "plan", people.pm, 6 * H)
    act(ticket, "assign", people.prod, 7 * H)
    with at(169 * H), django_capture_on_commit_callbacks(execute=True):
        assert sla_escalations() == 1  # the other target, once
        assert sla_escalations() == 0
    rows = Notification.objects.filter(event="ticket.sla_resolution")
    assert {r.recipient.username for r in rows if not r.cc} == {"prod", "pm"}
    assert {r.recipient.username for r in rows if r.cc} == {"sales", "lead"}
    assert SlaEscalation.objects.filter(ticket=ticket).count() == 2


def test_targets_are_configured_per_severity(client, people, logged):
    SlaTarget.objects.filter(severity="critical").update(first_response_hours=Decimal("1"))
    critical = logged(severity="critical")
    low = logged(severity="low")
    client.force_login(people.pm)
    with at(90 * datetime.timedelta(minutes=1)):
        body = flags(client)
        assert sla_send_escalations() == 1
    row = body[body.index(critical.number) :][:1500]
    assert 'data-sla="breached"' in row
    row = body[body.index(low.number) :][:1500]
    assert "data-sla" not in row.split("</tr>")[0]
    assert SlaEscalation.objects.get().ticket == critical


def test_a_severity_without_target_has_no_clock(client, people, logged):
    SlaTarget.objects.filter(severity="low").delete()
    ticket = logged(severity="low")
    client.force_login(people.pm)
    with at(1000 * H):
        assert sla_send_escalations() == 0
        page = main_content(client.get(ticket.get_absolute_url()))
    assert "此严重程度未设服务时限目标" in page and "data-sla-clock" not in page


def test_nobody_in_the_role_means_the_admins_hear_of_the_breach(make_user, shipment):
    sales = make_user(Role.SALES, username="lonely")
    admin = make_user(username="root", is_staff=True)
    with at(datetime.timedelta(0)):
        ticket = TicketFactory(shipment=shipment, by=sales)
    with at(5 * H):
        assert sla_send_escalations() == 1
    rows = Notification.objects.filter(event="ticket.sla_response")
    assert {(r.recipient.username, r.cc) for r in rows} == {("root", False), ("lonely", True)}
    assert admin and ticket


def test_admin_edits_the_targets(client, make_user):
    admin = make_user(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    target = SlaTarget.objects.get(severity="high")
    url = reverse("admin:tickets_slatarget_change", args=[target.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"severity": "high", "first_response_hours": "6", "resolution_hours": "100", "warn_percent": "25"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.first_response_hours, target.resolution_hours, target.warn_percent) == (6, 100, 25)
    assert client.get(reverse("admin:tickets_slatarget_changelist")).status_code == 200


@pytest.mark.parametrize("view", ["tickets:list", "tickets:my_work"])
def test_flagged_lists_keep_a_fixed_number_of_queries(
    view, client, people, logged, django_assert_num_queries
):
    for _ in range(3):
        logged()
    client.force_login(people.pm)
    with at(5 * H):
        with CaptureQueriesContext(connection) as few:
            assert flags(client, view).count('data-sla="breached"') == 3
        for _ in range(30):
            logged(severity="critical")
        with django_assert_num_queries(len(few.captured_queries)):
            assert flags(client, view).count('data-sla="breached"') == 33


def test_the_beat_runs_the_escalations_every_minute():
    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "tickets.tasks.sla_escalations"
    )
    assert entry["schedule"] <= 60


def test_all_tickets_filter_by_sla_status(client, people, logged):
    breached = logged(severity="high")  # 4 h
    soon = logged(2 * H + datetime.timedelta(minutes=45), severity="critical")  # 2 h: 9 min left at 4h36
    fine = logged(severity="low")
    client.force_login(people.qc)
    with at(4 * H + datetime.timedelta(minutes=36)):
        only_breached = main_content(client.get(reverse("tickets:list"), {"sla": "breached"}))
        only_soon = main_content(client.get(reverse("tickets:list"), {"sla": "soon"}))
    assert breached.number in only_breached and soon.number not in only_breached
    assert soon.number in only_soon and breached.number not in only_soon
    assert fine.number not in only_breached + only_soon
    assert 'name="sla"' in only_soon and "已超时" in only_soon  # the filter, translated


def test_the_api_shows_the_clocks_and_filters_by_them(client, people, logged):
    ticket = logged()
    client.force_login(people.pm)
    with at(5 * H):
        listed = client.get("/api/tickets/", {"sla": "breached"}).json()
        detail = client.get(f"/api/tickets/{ticket.number}/").json()
    assert [t["number"] for t in listed["results"]] == [ticket.number]
    response, resolution = listed["results"][0]["sla"]
    assert response["target"] == "response" and response["status"] == "breached"
    assert resolution["status"] == "ok"
    assert [c["status"] for c in detail["sla"]] == ["breached", "ok"]
