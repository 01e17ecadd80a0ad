"""Promises at any time (issue 17, point 5): a call-back promise is made from any step of a
complaint and from the follow-up, and a new time agreed with the customer closes the earlier
promise honestly (kept if the customer heard from us in time, broken if not) and links the two."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from promises.models import Commitment
from promises.services import commitment_promise, commitment_reschedule
from tickets import services
from tickets.models import State

pytestmark = pytest.mark.django_db


def _local(dt: datetime.datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _in(hours: float) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(hours=hours)).replace(second=0, microsecond=0)


@pytest.mark.parametrize("state", [State.RECEIVED, State.ASSIGNED, State.CONFIRMING, State.ARCHIVED])
def test_a_promise_is_made_from_the_ticket_page_at_any_step(client, people, new_ticket, walk, state):
    ticket = walk(new_ticket(), state)
    speaker = people.lead if state == State.ASSIGNED else people.sales
    client.force_login(speaker)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="promises"' in page and reverse("commitment-make", args=["ticket", ticket.pk]) in page

    due = _in(5)
    r = client.post(
        reverse("commitment-make", args=["ticket", ticket.pk]),
        {"description": "告知检测结果", "due_at": _local(due)},
    )
    assert r.status_code == 302 and r["Location"] == ticket.get_absolute_url()
    promise = Commitment.objects.get()
    assert (promise.owner, promise.customer, promise.source, promise.due_at) == (
        speaker,
        ticket.customer,
        ticket,
        due,
    )
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "告知检测结果" in page


def test_a_bad_promise_keeps_what_was_typed_and_saves_nothing(client, people, new_ticket):
    ticket = new_ticket()
    client.force_login(people.sales)
    r = client.post(
        reverse("commitment-make", args=["ticket", ticket.pk]),
        {"description": "告知检测结果", "due_at": _local(_in(-2))},
    )
    body = r.content.decode()
    assert r.status_code == 200 and "告知检测结果" in body and "error-summary" in body
    assert "必须在将来" in body or "须晚于" in body or "将来" in body
    assert not Commitment.objects.exists()


def test_roles_that_do_not_speak_with_customers_may_not_promise(client, people, new_ticket, make_user):
    ticket = new_ticket()
    finance = make_user(Role.FINANCE)
    client.force_login(finance)
    assert 'id="promises"' not in client.get(ticket.get_absolute_url()).content.decode()
    r = client.post(
        reverse("commitment-make", args=["ticket", ticket.pk]),
        {"description": "回电", "due_at": _local(_in(3))},
    )
    assert r.status_code == 403 and not Commitment.objects.exists()
    assert client.post(reverse("commitment-make", args=["shipment", 1]), {}).status_code in (403, 404)


def test_the_follow_up_keeps_the_old_promise_and_makes_the_next(people, new_ticket, walk):
    ticket = walk(new_ticket(), State.ARCHIVED)
    old = commitment_promise(source=ticket, by=people.sales, description="回访", due_at=_in(2))
    services.ticket_transition(
        ticket=ticket,
        to="follow_up",
        by=people.sales,
        data={
            "note": "客户要求下周再回访一次",
            "satisfaction": "satisfied",
            "next_callback_due_at": _local(_in(24 * 7)),
            "next_callback_note": "下周再回访",
        },
    )
    old.refresh_from_db()
    assert old.status == Commitment.Status.KEPT
    new = Commitment.objects.get(status=Commitment.Status.OPEN)
    assert (new.description, new.source, new.owner) == ("下周再回访", ticket, people.sales)


def test_a_follow_up_with_a_half_promise_is_refused_whole(client, people, new_ticket, walk):
    ticket = walk(new_ticket(), State.ARCHIVED)
    client.force_login(people.sales)
    r = client.post(
        reverse("tickets:act", args=[ticket.number, "follow_up"]),
        {
            "follow_up-note": "客户满意",
            "follow_up-satisfaction": "satisfied",
            "follow_up-next_callback_note": "下周再回访",
        },
        follow=True,
    )
    assert "请填写" in r.content.decode() or "时间" in r.content.decode()
    ticket.refresh_from_db()
    assert not ticket.followed_up and not Commitment.objects.exists()


def test_a_new_time_agreed_before_the_due_time_keeps_the_promise(client, people, new_ticket):
    ticket = new_ticket()
    first = commitment_promise(source=ticket, by=people.sales, description="告知检测结果", due_at=_in(4))
    client.force_login(people.sales)
    r = client.post(
        reverse("commitment-reschedule", args=[first.pk]),
        {
            "due_at": _local(_in(28)),
            "agreement": "检测报告明天出，客户同意明天下午再联系",
            "next": ticket.get_absolute_url(),
        },
    )
    assert r.status_code == 302 and r["Location"] == ticket.get_absolute_url()
    first.refresh_from_db()
    second = first.rescheduled_to
    assert first.status == Commitment.Status.KEPT and first.kept_on_time
    assert first.outcome_note.startswith("检测报告明天出")
    assert (second.status, second.description, second.source, second.owner) == (
        Commitment.Status.OPEN,
        "告知检测结果",
        ticket,
        people.sales,
    )
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "改约" in page or "新时间" in page


def test_a_new_time_agreed_after_the_due_time_counts_the_old_one_broken(people, new_ticket):
    ticket = new_ticket()
    first = commitment_promise(source=ticket, by=people.sales, description="回电", due_at=_in(1))
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=3)):
        second = commitment_reschedule(
            commitment=first, by=people.sales, due_at=_in(6), agreement="客户接受道歉，约定今晚回电"
        )
    first.refresh_from_db()
    assert first.status == Commitment.Status.BROKEN and second.rescheduled_from == first


def test_rescheduling_is_refused_twice_by_others_and_without_the_agreement(client, people, new_ticket):
    ticket = new_ticket()
    first = commitment_promise(source=ticket, by=people.sales, description="回电", due_at=_in(2))
    url = reverse("commitment-reschedule", args=[first.pk])
    client.force_login(people.lead)  # not the owner, nor the owner's manager
    assert client.post(url, {"due_at": _local(_in(5)), "agreement": "好"}).status_code == 403

    client.force_login(people.sales)
    r = client.post(url, {"due_at": _local(_in(5)), "agreement": " "})
    assert r.status_code == 200 and "error-summary" in r.content.decode()
    client.post(url, {"due_at": _local(_in(5)), "agreement": "客户同意"})
    r = client.post(url, {"due_at": _local(_in(6)), "agreement": "客户同意"})
    assert "已关闭" in r.content.decode()
    assert Commitment.objects.count() == 2  # the first and its one replacement


def test_the_api_promises_closes_and_reschedules(client, people, new_ticket):
    ticket = new_ticket()
    client.force_login(people.sales)
    r = client.post(
        "/api/promises/",
        {"ticket": ticket.number, "description": "告知结果", "due_at": _in(3).isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["ticket"] == ticket.number
    r = client.post(
        f"/api/promises/{pk}/reschedule/",
        {"due_at": _in(30).isoformat(), "agreement": ""},
        content_type="application/json",
    )
    assert r.status_code == 400 and "agreement" in r.json()["errors"]
    r = client.post(
        f"/api/promises/{pk}/reschedule/",
        {"due_at": _in(30).isoformat(), "agreement": "客户同意明天"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["rescheduled_from"] == pk
    listed = client.get("/api/promises/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["status"] for row in rows] == ["open", "kept"]
    r = client.post(
        "/api/promises/",
        {"ticket": "KS-0000-0000", "description": "x", "due_at": _in(3).isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 400 and "ticket" in r.json()["errors"]
