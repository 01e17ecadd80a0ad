"""CAPA checks and installations on real PostgreSQL row locks: exactly one wins."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import Role
from capa import services as capa
from installations import services as commissioning
from notify.models import Notification
from tests.tickets.test_concurrency import run_together
from tickets.errors import WrongState
from tickets.models import CapaCheck, Installation, State

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def test_two_qc_verifying_the_same_check_one_wins(people, new_ticket, walk, make_user):
    ticket = walk(new_ticket(), State.ARCHIVED)
    check = CapaCheck.objects.get(ticket=ticket)
    qc2 = make_user(Role.QC, username="qc2")
    results, errors = run_together(
        lambda: capa.capa_verify(check=check, by=people.qc, effective=True, note="有效"),
        lambda: capa.capa_verify(check=check, by=qc2, effective=False, note="失败"),
    )
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], WrongState)
    ticket.refresh_from_db()
    won = results[0]
    assert ticket.state == (State.ARCHIVED if won.status == "effective" else State.REOPENED)
    assert ticket.events.filter(action="capa_verified").count() == 1


def test_two_beat_workers_tell_qc_once(people, new_ticket, walk):
    ticket = walk(new_ticket(), State.ARCHIVED)
    CapaCheck.objects.filter(ticket=ticket).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    results, errors = run_together(capa.capa_notify_due, capa.capa_notify_due)
    assert not errors and sorted(results) == [0, 1]
    assert Notification.objects.filter(event="ticket.capa_due", recipient=people.qc).count() == 1


def test_both_managers_signing_at_once_both_count(people, shipment):
    inst = commissioning.installation_create(by=people.pm, customer=shipment.customer, title="装置")
    _results, errors = run_together(
        lambda: commissioning.installation_sign(
            installation=inst, by=people.pm, capacity="project", rectification="已整改"
        ),
        lambda: commissioning.installation_sign(
            installation=inst, by=people.prod, capacity="production", rectification="已整改"
        ),
    )
    assert not errors
    fresh = Installation.objects.get(pk=inst.pk)
    assert fresh.status == Installation.Status.SIGNED
    assert fresh.pm_signed_by == people.pm and fresh.production_signed_by == people.prod
