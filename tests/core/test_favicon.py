"""Every page names its icon, and /favicon.ico (asked for by browsers and tools regardless)
leads to it instead of logging a 404 on every page (issue 15 point 9)."""

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_pages_name_the_icon_and_favicon_ico_leads_to_it(client, make_user):
    client.force_login(make_user("sales"))
    body = client.get("/tickets/new/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg"' in body
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/img/favicon.svg"
    assert finders.find("img/favicon.svg")
    assert client.get("/login/").content.decode().count('rel="icon"') == 1
