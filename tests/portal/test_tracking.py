"""The tracking page: reached by number plus secret, shows the state in the customer's words
and the call-back due, and nothing internal."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal import services
from portal.models import Incident
from tickets.models import Event
from tickets.services import note_add

pytestmark = pytest.mark.django_db


def track_url(ticket):
    return reverse("portal:track", args=[ticket.number, services.ticket_access_for(ticket).token])


def test_tracking_page_speaks_plain_chinese_and_names_the_call_back(client, new_ticket):
    due = timezone.now() + datetime.timedelta(hours=5)
    ticket = new_ticket(callback_due_at=due, callback_note="内部:先问技术部再回电")
    page = client.get(track_url(ticket)).content.decode()
    assert ticket.number in page
    assert "我们已收到您的投诉" in page or "已收到" in page
    assert timezone.localtime(due).strftime("%Y-%m-%d %H:%M") in page
    assert "内部:先问技术部再回电" not in page  # the promise's own wording is internal
    assert "received" not in page  # no workflow state names


def test_tracking_page_shows_no_internal_notes_costs_or_staff_names(client, new_ticket, walk, people):
    ticket = new_ticket()
    ticket = walk(ticket, "confirming")
    note_add(ticket=ticket, by=people.pm, text="内部备注:供应商批次有问题", internal=True)
    note_add(ticket=ticket, by=people.pm, text="普通备注:已安排", internal=False)
    page = client.get(track_url(ticket)).content.decode()
    assert "内部备注" not in page and "普通备注" not in page
    assert "450" not in page  # the disposition's parts cost
    assert "热处理不足" not in page  # root cause
    assert "李师傅" not in page  # travellers on the plan
    for person in (people.sales, people.pm, people.prod, people.lead):
        assert person.display_name not in page
        assert person.username not in page
    assert "王工" in page  # the contact person is theirs to see


@pytest.mark.parametrize("how", ["wrong", "other_ticket", "short"])
def test_a_forged_token_is_404_and_recorded(client, new_ticket, how):
    ticket, other = new_ticket(), new_ticket()
    token = {
        "wrong": "x" * 32,
        "other_ticket": services.ticket_access_for(other).token,
        "short": services.ticket_access_for(ticket).token[:-1],
    }[how]
    response = client.get(reverse("portal:track", args=[ticket.number, token]))
    assert response.status_code == 404
    assert ticket.number not in response.content.decode()
    incident = Incident.objects.get()
    assert incident.kind == Incident.Kind.BAD_TRACKING
    assert ticket.number in incident.detail


def test_an_unknown_number_is_404(client):
    assert client.get(reverse("portal:track", args=["KS-2026-999999", "x" * 32])).status_code == 404


def test_guessing_is_rate_limited(client, new_ticket, settings):
    settings.PORTAL_TRACK_LIMIT = 3
    ticket = new_ticket()
    for _ in range(3):
        assert client.get(reverse("portal:track", args=[ticket.number, "guess"])).status_code == 404
    # Even the right link waits now: the address spent its tries.
    assert client.get(track_url(ticket)).status_code == 429
    assert Incident.objects.filter(kind=Incident.Kind.RATE_LIMITED).count() == 1


def test_each_state_has_customer_wording(client, new_ticket, walk):
    ticket = walk(new_ticket(), "in_service")
    page = client.get(track_url(ticket)).content.decode()
    assert "正在进行" in page or "服务" in page
    assert Event.objects.filter(ticket=ticket).exists()
