"""Promises are closed only by their owner or the owner's own manager, who is recorded
(issue 11, point 6)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from apperrors.exceptions import Forbidden
from promises.models import Commitment
from promises.services import commitment_close, commitment_create

pytestmark = pytest.mark.django_db


def _promise(owner):
    return commitment_create(
        owner=owner, by=owner, description="周五前答复", due_at=timezone.now() + datetime.timedelta(hours=2)
    )


def test_the_owner_closes_and_is_recorded(make_user):
    owner = make_user(Role.SALES)
    closed = commitment_close(commitment=_promise(owner), by=owner, kept=True, outcome_note="已答复")
    assert closed.closed_by == owner and closed.status == Commitment.Status.KEPT


def test_the_owners_own_manager_may_close(make_user):
    owner, manager = make_user(Role.SALES), make_user(Role.SALES_MANAGER)
    closed = commitment_close(commitment=_promise(owner), by=manager, kept=False)
    assert closed.closed_by == manager


def test_another_teams_manager_may_not(client, make_user):
    owner, other_manager = make_user(Role.SALES), make_user(Role.PRODUCTION_MANAGER)
    promise = _promise(owner)
    with pytest.raises(Forbidden):
        commitment_close(commitment=promise, by=other_manager, kept=False)
    client.force_login(other_manager)
    assert client.post(reverse("commitment-close", args=[promise.pk]), {"kept": "0"}).status_code == 403
    promise.refresh_from_db()
    assert promise.status == Commitment.Status.OPEN and promise.closed_by is None
