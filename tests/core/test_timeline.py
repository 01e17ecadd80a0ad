import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from tests.factories import CustomerFactory
from ui import timeline

pytestmark = pytest.mark.django_db


def test_entries_from_all_providers_are_merged_newest_first(make_user):
    now = timezone.now()

    def tickets(customer, user):
        return [timeline.TimelineEntry(now - datetime.timedelta(days=2), "ticket", "投诉")]

    def objections(customer, user):
        return [timeline.TimelineEntry(now, "objection", "价格异议")]

    timeline.register_customer_timeline(tickets)
    timeline.register_customer_timeline(objections)
    try:
        entries = timeline.customer_timeline(customer=CustomerFactory(), user=make_user(Role.SALES))
    finally:
        timeline._PROVIDERS.remove(tickets)
        timeline._PROVIDERS.remove(objections)
    assert [e.title for e in entries] == ["价格异议", "投诉"]
