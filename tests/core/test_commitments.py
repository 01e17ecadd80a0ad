import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from apperrors.exceptions import AppError
from promises.models import Commitment
from promises.services import commitment_close, commitment_create

pytestmark = pytest.mark.django_db


def test_a_promise_in_the_past_is_refused(make_user):
    user = make_user(Role.SALES)
    with pytest.raises(AppError) as err:
        commitment_create(
            owner=user, by=user, description="回电", due_at=timezone.now() - datetime.timedelta(minutes=1)
        )
    assert "due_at" in err.value.errors
    assert not Commitment.objects.exists()


def test_kept_needs_what_was_said_and_closes_once(make_user):
    user = make_user(Role.SALES)
    c = commitment_create(
        owner=user, by=user, description="明天回电", due_at=timezone.now() + datetime.timedelta(days=1)
    )
    with pytest.raises(AppError):
        commitment_close(commitment=c, by=user, kept=True, outcome_note=" ")
    commitment_close(commitment=c, by=user, kept=True, outcome_note="告知客户已安排发货")
    c.refresh_from_db()
    assert c.status == Commitment.Status.KEPT and c.kept_on_time
    with pytest.raises(AppError):
        commitment_close(commitment=c, by=user, kept=False)
