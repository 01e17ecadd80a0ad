"""CAPA effectiveness checks: scheduled on archive, due list, QC verifies; a failed check
reopens the ticket through the workflow; QC is told once when a check falls due."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from capa import services as capa
from capa.selectors import capa_due
from capa.tasks import capa_checks_due
from notify.models import Notification
from tickets import services
from tickets.errors import MissingData, NotAllowed, WrongState
from tickets.models import CapaCheck, Event, State

from .test_pages import main_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def archived(new_ticket, walk):
    return walk(new_ticket(), State.ARCHIVED)


def _check(ticket) -> CapaCheck:
    return CapaCheck.objects.get(ticket=ticket)


def test_archiving_schedules_a_check_of_the_disposition_actions(archived):
    check = _check(archived)
    assert check.status == CapaCheck.Status.SCHEDULED
    assert check.due_on == timezone.localdate() + datetime.timedelta(days=30)
    assert (check.corrective_action, check.preventive_action) == ("更换", "加严检验")
    last = archived.events.order_by("-seq").first()
    assert last.action == "capa_scheduled" and check.due_on.strftime("%Y-%m-%d") in last.shown_text


def test_the_interval_is_configurable(new_ticket, walk):
    with override_settings(CAPA_CHECK_AFTER_DAYS=7):
        archived = walk(new_ticket(), State.ARCHIVED)
    assert _check(archived).due_on == timezone.localdate() + datetime.timedelta(days=7)


def test_due_list_holds_only_scheduled_checks_that_have_fallen_due(archived, new_ticket, walk):
    later = walk(new_ticket(), State.ARCHIVED)
    CapaCheck.objects.filter(ticket=archived).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    assert [c.ticket_id for c in capa_due()] == [archived.pk]
    assert later.pk not in [c.ticket_id for c in capa_due()]


def test_qc_records_an_effective_check_and_the_ticket_stays_archived(archived, people):
    check = capa.capa_verify(check=_check(archived), by=people.qc, effective=True, note="三个月无复发")
    archived.refresh_from_db()
    assert check.status == CapaCheck.Status.EFFECTIVE and check.verified_by == people.qc
    assert archived.state == State.ARCHIVED
    assert archived.events.order_by("-seq").first().action == "capa_verified"


def test_a_failed_check_reopens_the_ticket_through_the_workflow(archived, people):
    version = archived.version
    capa.capa_verify(check=_check(archived), by=people.qc, effective=False, note="接箍再次渗漏")
    archived.refresh_from_db()
    assert archived.state == State.REOPENED and archived.version == version + 1
    assert "接箍再次渗漏" in archived.reason
    last_two = list(archived.events.order_by("-seq")[:2])
    assert last_two[0].action == "reopen" and last_two[0].to_state == State.REOPENED
    assert last_two[1].action == "capa_verified" and "接箍再次渗漏" in last_two[1].shown_text
    # The reopen notifies as the table says (project and production managers).
    assert Notification.objects.filter(event="ticket.reopen", recipient=people.pm).exists()


def test_the_reopened_ticket_archived_again_gets_a_new_check(archived, people, walk):
    capa.capa_verify(check=_check(archived), by=people.qc, effective=False, note="再次渗漏")
    archived.refresh_from_db()
    walk(archived, State.ARCHIVED)  # planned again from "reopened", through to the archive
    assert CapaCheck.objects.filter(ticket=archived).count() == 2
    assert CapaCheck.objects.filter(ticket=archived, status="scheduled").count() == 1


@pytest.mark.parametrize("who", ["sales", "pm", "prod", "lead", "finance"])
def test_only_qc_may_verify_a_check(archived, people, who):
    with pytest.raises(NotAllowed):
        capa.capa_verify(check=_check(archived), by=getattr(people, who), effective=False, note="x")
    archived.refresh_from_db()
    assert archived.state == State.ARCHIVED and _check(archived).status == "scheduled"


def test_a_check_cannot_be_verified_twice(archived, people):
    capa.capa_verify(check=_check(archived), by=people.qc, effective=True, note="有效")
    with pytest.raises(WrongState) as exc:
        capa.capa_verify(check=_check(archived), by=people.qc, effective=False, note="失败")
    assert "已" in exc.value.message  # Chinese: 已经验证过
    archived.refresh_from_db()
    assert archived.state == State.ARCHIVED


@pytest.mark.parametrize("effective", [True, False])
def test_a_result_without_evidence_is_refused(archived, people, effective):
    seq = archived.events.count()
    with pytest.raises(MissingData) as exc:
        capa.capa_verify(check=_check(archived), by=people.qc, effective=effective, note="  ")
    assert "note" in exc.value.errors
    assert _check(archived).status == "scheduled" and archived.events.count() == seq


@pytest.mark.parametrize("effective", [True, False])
def test_a_check_on_a_ticket_reopened_meanwhile_is_refused_and_changes_nothing(archived, people, effective):
    check = _check(archived)  # the page QC opened before the reopen
    services.ticket_transition(ticket=archived, to="reopen", by=people.pm, data={"reason": "客户再次投诉"})
    seq = archived.events.count()
    with pytest.raises(WrongState) as exc:
        capa.capa_verify(check=check, by=people.qc, effective=effective, note="结果")
    assert "重新打开" in exc.value.message
    assert _check(archived).status == "cancelled" and archived.events.count() == seq


def test_qc_is_told_once_when_a_check_falls_due(archived, people, make_user):
    other_qc = make_user(Role.QC, username="qc2")
    due = _check(archived).due_on
    with time_machine.travel(datetime.datetime.combine(due, datetime.time(1)) - datetime.timedelta(days=1)):
        assert capa_checks_due() == 0
    with time_machine.travel(datetime.datetime.combine(due, datetime.time(9))):
        assert capa_checks_due() == 1
        assert capa_checks_due() == 0
    with time_machine.travel(datetime.datetime.combine(due, datetime.time(9)) + datetime.timedelta(days=3)):
        assert capa_checks_due() == 0
    rows = Notification.objects.filter(event="ticket.capa_due")
    assert sorted(r.recipient_id for r in rows) == sorted([people.qc.pk, other_qc.pk])
    assert archived.number in rows[0].subject
    assert _check(archived).notified_at is not None


def test_the_beat_schedule_runs_the_due_task():
    assert any(e["task"] == "capa.tasks.capa_checks_due" for e in settings.CELERY_BEAT_SCHEDULE.values())


# -- pages -----------------------------------------------------------------------------------


def _overdue(ticket):
    CapaCheck.objects.filter(ticket=ticket).update(due_on=timezone.localdate() - datetime.timedelta(days=2))


def test_qc_sees_overdue_checks_on_the_capa_page_and_in_my_work(client, archived, people):
    _overdue(archived)
    client.force_login(people.qc)
    body = main_content(client.get(reverse("tickets:capa")))
    assert archived.number in body and "已逾期" in body and "记录结果" in body
    body = main_content(client.get(reverse("tickets:my_work")))
    assert 'id="capa-due"' in body and archived.number in body


def test_others_see_checks_without_the_verify_form(client, archived, people):
    _overdue(archived)
    client.force_login(people.pm)
    body = main_content(client.get(reverse("tickets:capa")))
    assert archived.number in body and "记录结果" not in body
    assert 'id="capa-due"' not in main_content(client.get(reverse("tickets:my_work")))


def test_qc_marks_a_check_not_effective_on_the_page_and_the_ticket_reopens(client, archived, people):
    check = _check(archived)
    client.force_login(people.qc)
    url = reverse("tickets:capa_verify", args=[check.pk])
    response = client.post(url, {f"c{check.pk}-result": "not_effective", f"c{check.pk}-note": "又漏了"})
    assert response.status_code == 302 and response.url == archived.get_absolute_url()
    archived.refresh_from_db()
    assert archived.state == State.REOPENED
    body = main_content(client.get(archived.get_absolute_url()))
    assert 'id="capa"' in body and "又漏了" in body


def test_the_page_shows_errors_beside_the_fields(client, archived, people):
    check = _check(archived)
    client.force_login(people.qc)
    response = client.post(
        reverse("tickets:capa_verify", args=[check.pk]), {f"c{check.pk}-result": "effective"}
    )
    assert response.status_code == 400 and "该字段是必填项" in main_content(response)
    assert _check(archived).status == "scheduled"


def test_a_non_qc_post_is_forbidden(client, archived, people):
    check = _check(archived)
    client.force_login(people.pm)
    response = client.post(
        reverse("tickets:capa_verify", args=[check.pk]),
        {f"c{check.pk}-result": "not_effective", f"c{check.pk}-note": "x"},
    )
    assert response.status_code == 403
    archived.refresh_from_db()
    assert archived.state == State.ARCHIVED


def test_my_work_query_count_does_not_grow_with_due_checks(
    client, people, new_ticket, walk, django_assert_max_num_queries
):
    t = walk(new_ticket(), State.ARCHIVED)
    _overdue(t)
    client.force_login(people.qc)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("tickets:my_work"))
    for _ in range(4):
        _overdue(walk(new_ticket(), State.ARCHIVED))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("tickets:my_work"))


# -- API -------------------------------------------------------------------------------------


def test_api_lists_due_checks_and_qc_fails_one(client, archived, people, new_ticket, walk):
    walk(new_ticket(), State.ARCHIVED)
    _overdue(archived)
    client.force_login(people.qc)
    rows = client.get("/api/tickets/capa-checks/?due=true").json()["results"]
    assert [r["ticket"] for r in rows] == [archived.number]
    assert len(client.get("/api/tickets/capa-checks/?status=scheduled").json()["results"]) == 2
    pk = rows[0]["id"]
    response = client.post(
        f"/api/tickets/capa-checks/{pk}/verify/",
        {"effective": False, "note": "失败"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "not_effective"
    archived.refresh_from_db()
    assert archived.state == State.REOPENED
    again = client.post(
        f"/api/tickets/capa-checks/{pk}/verify/",
        {"effective": True, "note": "x"},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "wrong_state"


def test_api_refuses_a_non_qc_verifier(client, archived, people):
    client.force_login(people.sales)
    pk = _check(archived).pk
    response = client.post(
        f"/api/tickets/capa-checks/{pk}/verify/",
        {"effective": True, "note": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403 and _check(archived).status == "scheduled"


def test_scheduling_event_kind_is_shown_on_the_timeline(archived):
    assert archived.events.filter(action="capa_scheduled", kind=Event.Kind.PROGRESS).exists()


def test_a_manual_reopen_cancels_the_scheduled_check_and_the_next_archive_schedules_anew(
    client, archived, people, walk
):
    services.ticket_transition(ticket=archived, to="reopen", by=people.pm, data={"reason": "客户再次投诉"})
    old = _check(archived)
    assert old.status == CapaCheck.Status.CANCELLED and old.result_note == "客户再次投诉"
    assert archived.events.order_by("-seq").first().action == "capa_cancelled"
    # Nothing left for QC to verify or to be told about.
    assert not capa_due(timezone.localdate() + datetime.timedelta(days=60)).exists()

    archived.refresh_from_db()
    walk(archived, State.ARCHIVED)  # through the whole flow again: the archive succeeds
    checks = CapaCheck.objects.filter(ticket=archived).order_by("id")
    assert [c.status for c in checks] == ["cancelled", "scheduled"]

    client.force_login(people.qc)
    verified_tab = client.get(reverse("tickets:capa"), {"show": "verified"}).content.decode()
    assert archived.number not in verified_tab.split("<main", 1)[1]
    page = client.get(archived.get_absolute_url()).content.decode()
    assert "已取消" in page and "客户再次投诉" in page
