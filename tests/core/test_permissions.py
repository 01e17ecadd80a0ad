from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.template import Context, Template

from accounts import permissions
from accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def action():
    permissions.register("test.approve", [Role.QC, Role.PROJECT_MANAGER])
    yield "test.approve"
    permissions._RULES.pop("test.approve")


def test_role_in_rule_may_act(make_user, action):
    assert permissions.can(make_user(Role.QC), action)


def test_other_role_may_not_act(make_user, action):
    assert not permissions.can(make_user(Role.SALES), action)


def test_any_of_several_roles_is_enough(make_user, action):
    assert permissions.can(make_user(Role.SALES, Role.PROJECT_MANAGER), action)


def test_inactive_and_anonymous_users_may_not_act(make_user, action):
    assert not permissions.can(make_user(Role.QC, is_active=False), action)
    assert not permissions.can(AnonymousUser(), action)


def test_staff_admin_may_do_everything(make_user, action):
    assert permissions.can(make_user(is_staff=True), action)


def test_unknown_action_is_a_programming_error(make_user):
    with pytest.raises(KeyError):
        permissions.can(make_user(Role.QC), "no.such.action")


def test_template_filter_uses_the_same_rule(make_user, action):
    tpl = Template('{% load ui_tags %}{% if u|can:"test.approve" %}yes{% else %}no{% endif %}')
    assert tpl.render(Context({"u": make_user(Role.QC)})) == "yes"
    assert tpl.render(Context({"u": make_user(Role.SALES)})) == "no"


def test_every_role_has_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


@pytest.mark.parametrize(
    ("value", "shown"), [("5.000", "5"), ("100", "100"), ("100.000", "100"), ("2.50", "2.5"), (None, "")]
)
def test_quantities_show_without_trailing_zeros_or_exponents(value, shown):
    tpl = Template("{% load ui_tags %}{{ q|quantity }}")
    assert tpl.render(Context({"q": None if value is None else Decimal(value)})) == shown
