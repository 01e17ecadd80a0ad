"""The inputs issue 11 reproduced as server errors, each now a clear 400/404 that changes nothing,
and the ground helpers that fixed them by kind (security.params / middleware / parsers)."""

import json

import pytest
from django.http import QueryDict
from django.urls import reverse

from accounts.roles import Role
from security.params import MAX_ID, BadParameter, int_param, parse_int
from tests.factories import CustomerFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("²", None),
        ("١٢", None),
        ("abc", None),
        ("\x00", None),
        ("", None),
        ("99999999999999999999", None),
        (str(MAX_ID), MAX_ID),
        ("-1", None),
        ("0", None),
        (None, None),
    ],
)
def test_parse_int_takes_plain_ascii_ids_in_range(raw, expected):
    assert parse_int(raw) == expected


def test_int_param_says_which_parameter_is_wrong_in_chinese():
    assert int_param(QueryDict("customer="), "customer") is None
    assert int_param(QueryDict("version=0"), "version", minimum=0) == 0
    with pytest.raises(BadParameter) as info:
        int_param(QueryDict("customer=%C2%B2"), "customer")
    assert str(info.value) == "参数“customer”：不是有效的数字。"


@pytest.fixture
def finance(client, make_user):
    client.force_login(make_user(Role.FINANCE, Role.SALES, Role.QC, Role.PURCHASING))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/accounting/vouchers/?period=abc",
        "/accounting/disputes/new/?shipment=abc",
        "/objections/new/?customer=%C2%B2",
        "/accounting/vouchers/?period=99999999999999999999",
    ],
)
def test_a_bad_id_in_a_query_is_a_400_that_says_so(finance, url):
    response = finance.get(url)
    assert response.status_code == 400
    assert "不是有效的数字" in response.content.decode()


def test_unicode_digits_are_no_customer_id(finance):
    """"²" passes str.isdigit() but is no id: refused with the reason, never a lookup."""
    response = finance.get("/autocomplete/shipments/?customer=%C2%B2")
    assert response.status_code == 400 and "不是有效的数字" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/tickets/%00/",
        "/tickets/all/?q=%00",
        "/objections/customers/?q=%00",
        "/objections/playbook/?type=%00",
    ],
)
def test_a_nul_byte_is_a_400(finance, url):
    response = finance.get(url)
    assert response.status_code == 400 and "空字符" in response.content.decode()


def test_a_nul_byte_in_a_form_is_a_400_and_saves_nothing(finance):
    customer = CustomerFactory()
    response = finance.post(reverse("tickets:intake"), {"customer": customer.pk, "description": "坏\x00"})
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_a_bad_next_goes_to_the_notifications(finance):
    for target in ("abc", "²", "https://evil.example.com/", "//evil.example.com/"):
        response = finance.post(reverse("notification-read-all"), {"next": target})
        assert response.status_code == 302 and response.url == reverse("notifications")
    response = finance.post(reverse("notification-read-all"), {"next": "/tickets/all/"})
    assert response.url == "/tickets/all/"


def test_purchases_and_ticket_actions_refuse_bad_numbers(finance):
    assert (
        finance.post(reverse("tickets:purchases"), {"request": "abc", "status": "ordered"}).status_code == 400
    )


# -- the API -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/tickets/capa-checks/abc/verify/",
        "/api/tickets/capa-checks/%C2%B2/verify/",
        "/api/tickets/installations/abc/issues/",
        "/api/tickets/installations/1/issues/abc/fix/",
        "/api/tickets/installations/abc/sign/",
        "/api/objections/%C2%B2/",
    ],
)
def test_api_ids_that_are_not_numbers_are_404(finance, url):
    assert finance.post(url, {}, content_type="application/json").status_code in (404, 405)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_deep_json_is_a_400_not_a_recursion_error(finance):
    for url in ("/api/accounting/disputes/preview/", "/api/tickets/", "/api/objections/"):
        response = finance.post(url, nested(5000), content_type="application/json")
        assert response.status_code == 400 and "嵌套" in response.content.decode(), url
        body = json.dumps({"node": "before_issue", "x": json.loads(nested(40))})
        assert finance.post(url, body, content_type="application/json").status_code == 400


def test_json_with_a_nul_or_nan_or_too_large_is_a_400(finance, settings):
    url = "/api/accounting/disputes/preview/"
    assert finance.post(url, '{"node": "a\\u0000"}', content_type="application/json").status_code == 400
    assert finance.post(url, '{"quantity": NaN}', content_type="application/json").status_code == 400
    settings.API_JSON_MAX_BYTES = 100
    big = json.dumps({"description": "x" * 200})
    response = finance.post("/api/tickets/", big, content_type="application/json")
    assert response.status_code == 400 and "过大" in response.content.decode()
