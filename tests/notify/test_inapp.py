"""In-app notifications: the header bell and the list, each user only their own."""

import pytest
from django.urls import reverse

from notify.models import Notification
from notify.services import notify

pytestmark = pytest.mark.django_db


def _notify(user, key, title):
    return notify(
        event_key=key,
        event="test.message",
        recipients=[user],
        template="notify/email/message",
        context={"title": title, "text": "正文"},
        link="/promises/",
    )[0]


def test_the_header_counts_only_my_unread_notifications(client, people):
    me, other = people["zh"], people["other"]
    _notify(me, "a", "我的第一条")
    _notify(me, "b", "我的第二条")
    _notify(other, "c", "别人的通知")
    client.force_login(me)
    body = client.get(reverse("home")).content.decode()
    assert 'id="unread-count">2<' in body
    assert "我的第一条" in body and "我的第二条" in body
    assert "别人的通知" not in body


def test_the_bell_refreshes_with_what_came_in_since_the_page_loaded(client, people):
    me = people["zh"]
    client.force_login(me)
    page = client.get(reverse("notifications")).content.decode()
    assert 'hx-trigger="every 60s' in page and 'id="unread-count"' not in page
    _notify(me, "a", "新来的通知")
    _notify(people["other"], "b", "别人的通知")
    menu = client.get(reverse("notification-menu"), {"next": "/promises/?page=2"})
    body = menu.content.decode()
    assert menu.status_code == 200
    assert body.lstrip().startswith('<div class="dropdown" id="notification-menu"')  # the bell alone
    assert 'id="unread-count">1<' in body and "新来的通知" in body and "别人的通知" not in body
    # "Mark all read" returns to the page the user is on, not to the polling URL.
    assert 'name="next" value="/promises/?page=2"' in body
    assert "next=/promises/%3Fpage%3D2" in body  # and the next poll keeps it


def test_the_bell_refuses_a_next_on_another_site(client, people):
    client.force_login(people["zh"])
    body = client.get(reverse("notification-menu"), {"next": "https://evil.example/"}).content.decode()
    assert "evil.example" not in body


def test_the_bell_stops_polling_once_the_session_has_ended(client):
    # 286 tells htmx to stop; a redirect would swap the login page into the header.
    assert client.get(reverse("notification-menu")).status_code == 286


def test_signed_out_pages_show_no_bell(client):
    assert "notification-menu" not in client.get(reverse("login")).content.decode()


def test_my_notifications_page_lists_only_mine(client, people):
    me, other = people["zh"], people["other"]
    _notify(me, "a", "我的通知")
    _notify(other, "b", "别人的通知")
    client.force_login(me)
    body = client.get(reverse("notifications")).content.decode()
    assert "我的通知" in body and "别人的通知" not in body


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, people):
    row = _notify(people["zh"], "a", "去看看")
    client.force_login(people["zh"])
    response = client.get(reverse("notification-open", args=[row.pk]))
    assert response.status_code == 302 and response["Location"] == "/promises/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_nobody_can_open_or_mark_someone_elses_notification(client, people):
    row = _notify(people["other"], "a", "别人的")
    client.force_login(people["zh"])
    assert client.get(reverse("notification-open", args=[row.pk])).status_code == 404
    assert client.post(reverse("notification-read", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_all_read_touches_only_my_rows(client, people):
    mine = _notify(people["zh"], "a", "我的")
    theirs = _notify(people["other"], "b", "别人的")
    client.force_login(people["zh"])
    response = client.post(reverse("notification-read-all"), {"next": "https://evil.example.com/"})
    assert response["Location"] == reverse("notifications")  # no open redirect
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    body = client.get(reverse("notifications") + "?unread=1").content.decode()
    assert "暂无通知" in body


def test_marking_read_needs_post(client, people):
    row = _notify(people["zh"], "a", "我的")
    client.force_login(people["zh"])
    assert client.get(reverse("notification-read", args=[row.pk])).status_code == 405


def test_the_bell_refresh_costs_a_fixed_number_of_queries(client, people, django_assert_num_queries):
    client.force_login(people["zh"])
    for i in range(12):
        _notify(people["zh"], f"k{i}", f"第 {i} 条")
    # session, user, roles, the latest eight with the unread count
    with django_assert_num_queries(4):
        client.get(reverse("notification-menu"))
