"""The error pages speak the reader's language in the site's layout, with DEBUG off as in
production (issue 15 point 8: they used to be Django's bare English pages)."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults
from django.views.csrf import csrf_failure

from accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False


def _request(user=None):
    request = RequestFactory().get("/somewhere/")
    if user is not None:
        request.user = user
    return request


def test_a_missing_page_is_chinese_in_the_layout(client, make_user):
    client.force_login(make_user(Role.SALES))
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "这个地址没有内容" in body and 'id="language-select"' in body and "Not Found" not in body


def test_a_missing_page_in_english_for_who_chose_it(client, make_user):
    client.force_login(make_user(Role.SALES))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/no-such-page/").content.decode()
    assert "There is nothing at this address" in body and "这个地址" not in body


def test_a_ticket_that_does_not_exist_is_the_same_page(client, make_user):
    client.force_login(make_user(Role.SALES))
    response = client.get("/tickets/KS-1999-999999/")
    assert response.status_code == 404 and "这个地址没有内容" in response.content.decode()


@pytest.mark.parametrize(
    ("view", "status", "chinese"),
    [
        (lambda r: defaults.permission_denied(r, PermissionDenied()), 403, "您无权打开此页面"),
        (lambda r: defaults.page_not_found(r, Http404()), 404, "这个地址没有内容"),
        (lambda r: defaults.server_error(r), 500, "服务器出错了"),
        (lambda r: csrf_failure(r, reason="CSRF token missing."), 403, "表单未能提交"),
    ],
)
def test_each_error_page_in_chinese(view, status, chinese, make_user):
    with translation.override("zh-hans"):
        response = view(_request(make_user(Role.SALES)))
    body = response.content.decode()
    assert response.status_code == status
    assert chinese in body and "客诉通" in body
    for english in ("Forbidden", "Not Found", "Server Error", "CSRF verification failed"):
        assert english not in body


def test_the_language_menu_names_each_language_in_its_own_words(client, make_user):
    client.force_login(make_user(Role.SALES))
    body = client.get("/").content.decode()
    assert ">English</option>" in body and ">简体中文</option>" in body and "英语" not in body
