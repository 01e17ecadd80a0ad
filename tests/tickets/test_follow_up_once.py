"""A sales follow-up posted twice (a double click, a client retrying without a version) is
recorded once (issue 11, point 6)."""

import pytest
from django.urls import reverse

from tickets import services
from tickets.errors import ConcurrentChange
from tickets.models import FollowUp, State

pytestmark = pytest.mark.django_db

FOLLOW_UP = {"note": "客户满意，已回访", "satisfaction": "satisfied"}


@pytest.fixture
def archived(new_ticket, walk):
    return walk(new_ticket(), State.ARCHIVED)


def test_a_follow_up_posted_twice_without_a_version_is_recorded_once(client, people, archived):
    client.force_login(people.sales)
    url = reverse("tickets:act", args=[archived.number, "follow_up"])
    data = {f"follow_up-{k}": v for k, v in FOLLOW_UP.items()}
    client.post(url, data)
    second = client.post(url, data, follow=True)
    assert FollowUp.objects.filter(ticket=archived).count() == 1
    assert "已记录过相同的回访" in second.content.decode()


def test_the_service_refuses_the_repeat_and_takes_a_new_follow_up(people, archived):
    services.ticket_transition(ticket=archived, to="follow_up", by=people.sales, data=FOLLOW_UP)
    with pytest.raises(ConcurrentChange):
        services.ticket_transition(ticket=archived, to="follow_up", by=people.sales, data=FOLLOW_UP)
    later = {**FOLLOW_UP, "note": "一周后再次回访，客户仍满意"}
    services.ticket_transition(ticket=archived, to="follow_up", by=people.sales, data=later)
    assert FollowUp.objects.filter(ticket=archived).count() == 2
