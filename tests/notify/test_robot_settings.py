"""The page where a person chooses how they are told: e-mail on or off, their own robots; and
the notification list showing how each notification went out."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from notify.models import NotifyPreference, RobotDelivery, RobotWebhook
from notify.services import notify
from notify.tasks import send_robot_one
from tests.notify.robot_server import robot_platforms

pytestmark = pytest.mark.django_db

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


def test_the_default_is_email_and_a_person_can_turn_it_off(client, make_user):
    user = make_user(Role.SALES)
    client.force_login(user)
    page = client.get(reverse("notification-settings")).content.decode()
    assert 'name="email"' in page and "checked" in page
    response = client.post(reverse("notification-settings"), {"form": "email"})  # unticked
    assert response.status_code == 302
    assert NotifyPreference.objects.get(user=user).email is False
    client.post(reverse("notification-settings"), {"form": "email", "email": "on"})
    assert NotifyPreference.objects.get(user=user).email is True


def test_a_person_adds_their_own_robot_and_its_key_and_secret_are_not_shown_again(client, make_user):
    user = make_user(Role.QC)
    client.force_login(user)
    response = client.post(
        reverse("notification-settings"),
        {"form": "robot", "platform": "wecom", "name": "质检小组", "url": WECOM, "secret": ""},
    )
    assert response.status_code == 302
    robot = RobotWebhook.objects.get()
    assert (robot.owner, robot.platform, robot.name, robot.roles) == (user, "wecom", "质检小组", [])
    page = client.get(reverse("notification-settings")).content.decode()
    assert "质检小组" in page and "qyapi.weixin.qq.com" in page
    assert "693a91f6-7xxx" not in page  # the key is masked


@pytest.mark.parametrize(
    ("platform", "url"),
    [
        ("wecom", "http://10.0.0.5/cgi-bin/webhook/send?key=x"),  # an internal address
        ("dingtalk", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"),  # another platform's
        ("feishu", "javascript:alert(1)"),
    ],
)
def test_an_address_that_is_not_the_platforms_is_refused(client, make_user, platform, url):
    client.force_login(make_user(Role.QC))
    response = client.post(
        reverse("notification-settings"),
        {"form": "robot", "platform": platform, "name": "群", "url": url, "secret": "s"},
    )
    assert response.status_code == 200
    assert "https://" in response.content.decode()  # says what the address looks like
    assert not RobotWebhook.objects.exists()


def test_an_over_long_address_is_refused(client, make_user):
    client.force_login(make_user(Role.QC))
    response = client.post(
        reverse("notification-settings"),
        {"form": "robot", "platform": "wecom", "name": "群", "url": WECOM + "x" * 600},
    )
    assert response.status_code == 200 and not RobotWebhook.objects.exists()


def test_nobody_removes_someone_elses_robot(client, make_user):
    owner, other = make_user(Role.QC), make_user(Role.QC)
    robot = RobotWebhook.objects.create(owner=owner, platform="wecom", name="我的", url=WECOM)
    client.force_login(other)
    response = client.post(reverse("personal-robot-remove", args=[robot.pk]))
    assert response.status_code == 404
    assert RobotWebhook.objects.filter(pk=robot.pk).exists()
    client.force_login(owner)
    assert client.post(reverse("personal-robot-remove", args=[robot.pk])).status_code == 302
    assert not RobotWebhook.objects.exists()


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(reverse("notification-settings"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_list_shows_how_each_notification_went_out(client, make_user, settings):
    settings.NOTIFY_ROBOT_EXTRA_HOSTS = ["127.0.0.1"]
    settings.NOTIFY_ROBOT_TIMEOUT_SECONDS = 1.0
    user = make_user(Role.SALES)
    with robot_platforms() as platforms:
        RobotWebhook.objects.create(
            platform="dingtalk", name="销售群", url=platforms.url("dingtalk", "tok"), roles=[Role.SALES]
        )
        platforms.script("tok", "500")
        notify(
            event_key="evt:list",
            event="test.message",
            recipients=[user],
            template="notify/email/message",
            context={"title": "投诉已接收", "text": "请处理"},
        )
        send_robot_one(RobotDelivery.objects.get().pk)
    client.force_login(user)
    page = client.get(reverse("notifications")).content.decode()
    assert "钉钉" in page and "销售群" in page and "HTTP 500" in page


@pytest.mark.parametrize(
    "url",
    [
        "https://qyapi.weixin.qq.com:99999/cgi-bin/webhook/send?key=x",
        "https://qyapi.weixin.qq.com:x/cgi-bin/webhook/send?key=x",
        "https://user:pw@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x",
        "https://[::1/cgi-bin",
        "",
    ],
)
def test_malformed_addresses_are_refused_not_a_server_error(client, make_user, url):
    client.force_login(make_user(Role.QC))
    response = client.post(
        reverse("notification-settings"), {"form": "robot", "platform": "wecom", "name": "群", "url": url}
    )
    assert response.status_code == 200 and not RobotWebhook.objects.exists()
