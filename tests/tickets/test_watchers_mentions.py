"""Watchers and mentions (issue 17, point 4): anyone may watch a ticket and then hears of every
step and note; "@username" in a note tells that person; a name nobody has is refused and the
note comes back as typed."""

import pytest
from django.urls import reverse

from notify.models import Notification
from tickets import services
from tickets.errors import MissingData
from tickets.models import State, Watcher

from .factories import step_data

pytestmark = pytest.mark.django_db


def _told(ticket, step: str) -> set[str]:
    rows = Notification.objects.filter(key__startswith=f"ticket:{ticket.pk}:{step}:")
    return {r.recipient.username for r in rows}


def test_a_watcher_hears_of_every_step_and_note_but_not_of_their_own(client, people, new_ticket, walk):
    ticket = new_ticket()
    gm = people.gm
    client.force_login(gm)  # reads only, may still watch
    r = client.post(reverse("tickets:watch", args=[ticket.number]), {"watch": "1"}, follow=True)
    assert "关注" in r.content.decode()
    client.post(reverse("tickets:watch", args=[ticket.number]), {"watch": "1"})  # twice: one row
    assert Watcher.objects.filter(ticket=ticket, user=gm).count() == 1

    walk(ticket, State.PLANNED)
    assert "gm" in _told(ticket, "plan")
    services.note_add(ticket=ticket, by=people.pm, text="已联系客户")
    assert _told(ticket, "note") == {"gm"}

    services.ticket_watch(ticket=ticket, by=people.pm)
    services.note_add(ticket=ticket, by=people.pm, text="客户同意周五上门")
    assert "pm" not in _told(ticket, "note")  # not told of their own note

    client.post(reverse("tickets:watch", args=[ticket.number]), {"watch": "0"})
    assert not Watcher.objects.filter(user=gm).exists()
    ticket.refresh_from_db()
    services.ticket_transition(ticket=ticket, to="assign", by=people.prod, data=step_data("assign", people))
    assert "gm" not in _told(ticket, "assign") and "pm" in _told(ticket, "assign")


def test_a_mention_tells_that_person_by_name(people, new_ticket):
    ticket = new_ticket()
    event = services.note_add(
        ticket=ticket, by=people.sales, text="@lead 请看一下照片，@qc 也请留意。邮件发 a@lead.cn"
    )
    rows = Notification.objects.filter(key__startswith=f"ticket:{ticket.pk}:note:{event.seq}")
    assert {r.recipient.username for r in rows} == {"lead", "qc"}
    assert all("提到了您" in r.subject for r in rows)


def test_a_mention_of_nobody_is_refused_and_the_note_comes_back(client, people, new_ticket):
    ticket = new_ticket()
    with pytest.raises(MissingData) as err:
        services.note_add(ticket=ticket, by=people.sales, text="@leed 请看")
    assert "@leed" in err.value.message
    assert not ticket.events.filter(kind="note").exists()

    client.force_login(people.sales)
    r = client.post(reverse("tickets:add_note", args=[ticket.number]), {"text": "@leed 请看一下"})
    body = r.content.decode()
    assert r.status_code == 400 and "@leed" in body and "请看一下" in body
    assert (
        not ticket.events.filter(kind="note").exists()
        and not Notification.objects.filter(key__contains=":note:").exists()
    )


def test_the_api_watches_and_mentions(client, people, new_ticket):
    ticket = new_ticket()
    client.force_login(people.qc)
    r = client.post(f"/api/tickets/{ticket.number}/watch/")
    assert r.status_code == 200 and r.json() == {"watching": True, "watchers": 1}
    client.force_login(people.sales)
    r = client.post(
        f"/api/tickets/{ticket.number}/notes/", {"text": "@nobody 看看"}, content_type="application/json"
    )
    assert r.status_code == 400 and "text" in r.json()["errors"]
    r = client.post(
        f"/api/tickets/{ticket.number}/notes/", {"text": "@lead 看看"}, content_type="application/json"
    )
    assert r.status_code == 201
    assert _told(ticket, "note") == {"lead", "qc"}
    client.force_login(people.qc)
    assert client.delete(f"/api/tickets/{ticket.number}/watch/").json() == {"watching": False, "watchers": 0}
