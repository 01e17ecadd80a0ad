import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from accounts.permissions import roles_of
from demo.management.commands.seed_demo import DEMO_PASSWORD
from masterdata.models import Customer, MaterialBatch, Shipment, Supplier

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (User, Customer, Supplier, Shipment, MaterialBatch)]


def test_seed_demo_twice_creates_nothing_new(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first
    assert first[0] == 11  # one per role and an admin


def test_demo_users_sign_in_and_hold_their_role(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    # Through the sign-in page: django-axes needs the request that client.login() lacks.
    response = client.post("/login/", {"username": "finance", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert "finance" in roles_of(User.objects.get(username="finance"))


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert User.objects.count() == 0
