import pytest
from django.urls import reverse

from accounts import permissions
from accounts.roles import Role
from tests.factories import PASSWORD
from ui import context_processors

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_by_default(client):
    body = client.get(reverse("login")).content.decode()
    assert "登录" in body and 'lang="zh-hans"' in body


def test_login_page_in_english_on_request(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    body = client.get(reverse("login")).content.decode()
    assert "Sign in" in body and 'lang="en"' in body


def test_pages_need_a_signed_in_user(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_wrong_password_says_so_in_chinese(client, make_user):
    user = make_user(Role.SALES)
    response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert "用户名或密码错误" in response.content.decode()


def test_sign_in_shows_roles(client, make_user):
    user = make_user(Role.SALES, Role.QC)
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    body = client.get(reverse("home")).content.decode()
    assert "业务员" in body and "生产质检" in body


@pytest.fixture
def finance_only_nav_item():
    permissions.register("test.books", [Role.FINANCE])
    context_processors.add_nav_item("账簿测试", "home", "test.books")
    yield
    context_processors.NAV_ITEMS.pop()
    permissions._RULES.pop("test.books")


def test_navigation_shows_only_what_the_roles_allow(client, make_user, finance_only_nav_item):
    client.force_login(make_user(Role.SALES))
    assert "账簿测试" not in client.get(reverse("home")).content.decode()
    client.force_login(make_user(Role.FINANCE))
    assert "账簿测试" in client.get(reverse("home")).content.decode()


def test_api_schema_and_docs_need_a_signed_in_user(client):
    assert client.get("/api/schema/").status_code in (401, 403)
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs.url.startswith("/login/")


def test_api_schema_and_docs_are_served(client, make_user):
    client.force_login(make_user(Role.SALES))
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in body and 'lang="zh-hans"' in body
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert "Sign in" in client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
