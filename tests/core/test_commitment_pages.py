import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from promises.models import Commitment
from promises.services import commitment_create

pytestmark = pytest.mark.django_db


def _promise(owner, hours=2, text="周五前答复交货期"):
    return commitment_create(
        owner=owner, by=owner, description=text, due_at=timezone.now() + datetime.timedelta(hours=hours)
    )


def test_my_promises_lists_only_mine_soonest_first(client, make_user):
    me, other = make_user(Role.SALES), make_user(Role.SALES)
    _promise(me, hours=5, text="晚的承诺")
    _promise(me, hours=1, text="早的承诺")
    _promise(other, text="别人的承诺")
    client.force_login(me)
    body = client.get(reverse("commitments")).content.decode()
    assert body.index("早的承诺") < body.index("晚的承诺")
    assert "别人的承诺" not in body


def test_closing_as_kept_without_a_note_is_refused_in_chinese(client, make_user):
    me = make_user(Role.SALES)
    promise = _promise(me)
    client.force_login(me)
    response = client.post(
        reverse("commitment-close", args=[promise.pk]), {"kept": "1", "outcome_note": ""}, follow=True
    )
    assert "请记录对客户的答复内容" in response.content.decode()
    promise.refresh_from_db()
    assert promise.status == Commitment.Status.OPEN


def test_another_salesperson_cannot_close_my_promise(client, make_user):
    promise = _promise(make_user(Role.SALES))
    client.force_login(make_user(Role.SALES))
    response = client.post(reverse("commitment-close", args=[promise.pk]), {"kept": "0"})
    assert response.status_code == 403
    promise.refresh_from_db()
    assert promise.status == Commitment.Status.OPEN


def test_owner_closes_a_promise_as_kept(client, make_user):
    me = make_user(Role.SALES)
    promise = _promise(me)
    client.force_login(me)
    client.post(
        reverse("commitment-close", args=[promise.pk]), {"kept": "1", "outcome_note": "已告知客户下周发货"}
    )
    promise.refresh_from_db()
    assert promise.status == Commitment.Status.KEPT and promise.outcome_note == "已告知客户下周发货"
