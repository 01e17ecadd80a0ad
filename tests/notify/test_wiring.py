"""The beat schedule names real tasks; who may close someone else's promise."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.sql import emit_post_migrate_signal
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from config.celery_app import app
from promises.models import Commitment
from promises.services import commitment_create


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"notify.tasks.resend_notifications", "promises.tasks.commitment_reminders"} <= scheduled
    assert scheduled <= set(app.tasks)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.SALES_MANAGER, True), (Role.PRODUCTION_MANAGER, False), (Role.SALES, False)],
)
def test_only_their_own_manager_may_close_someone_elses_promise(client, make_user, role, allowed):
    owner = make_user(Role.SALES)
    promise = commitment_create(
        owner=owner, by=owner, description="回电", due_at=timezone.now() + datetime.timedelta(hours=1)
    )
    client.force_login(make_user(role))
    response = client.post(
        reverse("commitment-close", args=[promise.pk]), {"kept": "1", "outcome_note": "已答复客户"}
    )
    promise.refresh_from_db()
    assert (promise.status == Commitment.Status.KEPT) is allowed
    assert response.status_code == (302 if allowed else 403)


@pytest.mark.django_db
def test_role_groups_come_back_after_a_flush():
    Group.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert set(Group.objects.values_list("name", flat=True)) == {r.value for r in Role}
