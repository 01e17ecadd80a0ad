"""Each person's kept-on-time rate, shown to the managers."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from promises.selectors import commitment_kept_rates
from promises.services import commitment_close, commitment_create

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _promise(owner, *, due_h, close_h=None, kept=True):
    with time_machine.travel(T0, tick=False):
        c = commitment_create(
            owner=owner, by=owner, description=f"承诺{due_h}", due_at=T0 + datetime.timedelta(hours=due_h)
        )
    if close_h is not None:
        with time_machine.travel(T0 + datetime.timedelta(hours=close_h), tick=False):
            commitment_close(commitment=c, by=owner, kept=kept, outcome_note="已答复")
    return c


@pytest.fixture
def history(make_user):
    alice = make_user(Role.SALES, full_name="甲")
    bob = make_user(Role.SALES, full_name="乙")
    _promise(alice, due_h=1, close_h=0.5)  # kept on time
    _promise(alice, due_h=2, close_h=1)  # kept on time
    _promise(alice, due_h=3, close_h=4)  # kept late
    _promise(alice, due_h=4)  # open, overdue at T0+10h
    _promise(alice, due_h=100)  # not yet due: does not count
    _promise(bob, due_h=1, close_h=2, kept=False)  # broken
    return alice, bob


def test_the_rate_counts_only_promises_already_due(history):
    alice, bob = history
    with time_machine.travel(T0 + datetime.timedelta(hours=10), tick=False):
        rates = {r.owner: r for r in commitment_kept_rates()}
    a = rates[alice]
    assert (a.kept_on_time, a.kept_late, a.open_overdue, a.open_pending, a.due) == (2, 1, 1, 1, 4)
    assert a.rate == 0.5
    assert rates[bob].rate == 0.0 and rates[bob].broken == 1


@pytest.mark.parametrize("role", [Role.SALES_MANAGER, Role.PRODUCTION_MANAGER])
def test_managers_see_everyones_rate(client, make_user, history, role):
    client.force_login(make_user(role))
    with time_machine.travel(T0 + datetime.timedelta(hours=10), tick=False):
        body = client.get(reverse("commitment-team")).content.decode()
    assert "甲" in body and "乙" in body and "50%" in body and "0%" in body


@pytest.mark.parametrize("role", [Role.SALES, Role.QC, Role.PROJECT_MANAGER])
def test_others_may_not_see_the_rates(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("commitment-team")).status_code == 403
