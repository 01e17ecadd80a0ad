"""Guessing passwords (issue 11, point 5): sign-in pages lock out, the token endpoint is
throttled and locks out too, and API tokens expire and die with the session or password."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "密码错误次数过多"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def guess(client, url, username, times, attempt="wrong-guess"):
    return [client.post(url, {"username": username, "password": attempt}) for _ in range(times)]


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_wrong_passwords_lock_the_username_out_with_a_chinese_message(client, make_user, url):
    user = make_user(Role.SALES, is_staff=True)
    tries = guess(client, url, user.username, settings.AXES_FAILURE_LIMIT - 1)
    assert all(r.status_code == 200 for r in tries)  # the form again, with its error
    locked = guess(client, url, user.username, 1)[0]
    assert locked.status_code == 429 and LOCKED in locked.content.decode()
    # Now even the right password is refused, and no session is started.
    right = client.post(url, {"username": user.username, "password": PASSWORD})
    assert right.status_code == 429 and "_auth_user_id" not in client.session


def test_a_huge_username_is_just_a_wrong_one(client):
    response = client.post("/login/", {"username": "u" * 10_000, "password": "p" * 10_000})
    assert response.status_code == 200


def test_the_lockout_is_per_username_and_address(client, make_user):
    victim, colleague = make_user(Role.SALES), make_user(Role.SALES)
    guess(client, "/login/", victim.username, settings.AXES_FAILURE_LIMIT)
    assert client.post("/login/", {"username": colleague.username, "password": PASSWORD}).status_code == 302
    elsewhere = client.post(
        "/login/", {"username": victim.username, "password": PASSWORD}, REMOTE_ADDR="10.9.8.7"
    )
    assert elsewhere.status_code == 302


def test_an_admin_unlocks_with_the_command(client, make_user):
    user = make_user(Role.SALES)
    guess(client, "/login/", user.username, settings.AXES_FAILURE_LIMIT)
    call_command("axes_reset_username", user.username)
    assert client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302


def test_an_admin_unlocks_in_the_admin(client, make_user, admin_user):
    user = make_user(Role.SALES)
    guess(client, "/login/", user.username, settings.AXES_FAILURE_LIMIT)
    attempt = AccessAttempt.objects.get(username=user.username)
    staff = APIClient()
    staff.force_login(admin_user)
    listing = staff.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and user.username in listing.content.decode()
    staff.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert not AccessAttempt.objects.exists()
    assert client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302


def test_a_right_password_resets_the_count(client, make_user):
    user = make_user(Role.SALES)
    guess(client, "/login/", user.username, settings.AXES_FAILURE_LIMIT - 1)
    assert client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    client.post("/logout/")
    guess(client, "/login/", user.username, settings.AXES_FAILURE_LIMIT - 1)
    assert client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302


# -- the API's token endpoint --------------------------------------------------------------


def test_the_token_endpoint_still_answers_as_before(make_user):
    user = make_user(Role.SALES)
    response = APIClient().post("/api/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=user).key
    assert "expires_at" in response.json()


def test_the_token_endpoint_is_throttled(make_user, settings):
    user = make_user(Role.SALES)
    client = APIClient()
    answers = [
        client.post("/api/auth/token/", {"username": user.username, "password": PASSWORD}).status_code
        for _ in range(11)
    ]
    assert answers[:10] == [200] * 10 and answers[10] == 429


def test_wrong_passwords_lock_the_token_endpoint_too(make_user):
    user = make_user(Role.SALES)
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = client.post("/api/auth/token/", {"username": user.username, "password": "x"})
        assert wrong.status_code == 400
    for password in ("x", PASSWORD):  # the last wrong guess, then even the right password
        locked = client.post("/api/auth/token/", {"username": user.username, "password": password})
        assert locked.status_code == 429 and LOCKED in locked.json()["detail"]
    assert not Token.objects.filter(user=user).exists()


def token_for(user) -> str:
    response = APIClient().post("/api/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    return response.json()["token"]


def api_as(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_tokens_expire(make_user):
    user = make_user(Role.SALES)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        key = token_for(user)
        assert api_as(key).get("/api/tickets/").status_code == 200
        traveller.shift(settings.API_TOKEN_TTL + datetime.timedelta(minutes=1))
        expired = api_as(key).get("/api/tickets/")
        assert expired.status_code in (401, 403) and "过期" in expired.json()["detail"]
        fresh = token_for(user)
        assert fresh != key and api_as(fresh).get("/api/tickets/").status_code == 200


def test_signing_out_of_the_site_revokes_the_token(client, make_user):
    user = make_user(Role.SALES)
    key = token_for(user)
    client.post("/login/", {"username": user.username, "password": PASSWORD})
    client.post("/logout/")
    assert api_as(key).get("/api/tickets/").status_code in (401, 403)


def test_the_api_sign_out_revokes_the_token(make_user):
    user = make_user(Role.SALES)
    key = token_for(user)
    assert api_as(key).post("/api/auth/logout/").status_code == 204
    assert api_as(key).get("/api/tickets/").status_code in (401, 403)


def test_a_password_change_revokes_the_token(make_user):
    user = make_user(Role.SALES)
    key = token_for(user)
    user.set_password("a-new-password-2026")
    user.save()
    assert api_as(key).get("/api/tickets/").status_code in (401, 403)


def test_other_saves_keep_the_token(make_user):
    user = make_user(Role.SALES)
    key = token_for(user)
    user.full_name = "改了名字"
    user.save()
    assert api_as(key).get("/api/tickets/").status_code == 200
