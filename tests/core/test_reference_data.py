"""The data migrations' rows (roles, the chart of accounts, objection types, SLA targets) are
there for every test, also after a transactional test flushed the database: one mechanism,
the reference-data fixture of tests/conftest.py, instead of code that heals it."""

import pytest
from django.contrib.auth.models import Group

from accounting.chart import DEFAULT_CHART
from accounting.models import Account
from accounts.roles import Role
from objections.models import ObjectionType
from tickets.models import SlaTarget


def _reference_rows_are_there():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}
    assert Account.objects.filter(code__in=DEFAULT_CHART).count() == len(DEFAULT_CHART)
    assert ObjectionType.objects.exists() and SlaTarget.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", [1, 2])  # the second runs after the first one's flush
def test_a_transactional_test_finds_the_migrated_rows(run):
    _reference_rows_are_there()
    Group.objects.all().delete()  # what a flush does to them, on purpose


@pytest.mark.django_db
def test_a_plain_test_finds_them_too():
    _reference_rows_are_there()
