"""Runs after other browser tests: the data migrations' rows must survive their flushes."""

from django.contrib.auth.models import Group

from accounts.roles import Role


def test_roles_survive_earlier_live_server_tests(page):
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}
