"""The vouchers API calls the same services as the pages."""

import datetime

import pytest
from django.urls import reverse

from accounting import services
from accounting.models import Period, QualityDispute
from accounts.roles import Role

from .factories import finance_pair, make_dispute

pytestmark = pytest.mark.django_db


def test_review_and_post_over_the_api(client):
    preparer, reviewer = finance_pair()
    voucher = services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)[0]
    client.force_login(reviewer)
    assert (
        client.post(reverse("accounting-api:voucher-action", args=[voucher.pk, "review"])).status_code == 200
    )
    data = client.post(reverse("accounting-api:voucher-action", args=[voucher.pk, "post"])).json()
    assert data["number"] == "记-0001" and data["state"] == "posted"
    assert [ln["amount"] for ln in data["lines"]] == ["15800.00", "15800.00"]
    listed = client.get(reverse("accounting-api:voucher-list"), {"state": "posted"}).json()
    assert listed["count"] == 1


def test_wrong_state_is_409_with_the_reason(client):
    """As for tickets: the request is fine, the voucher's state does not allow it now."""
    preparer, reviewer = finance_pair()
    voucher = services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)[0]
    client.force_login(reviewer)
    response = client.post(reverse("accounting-api:voucher-action", args=[voucher.pk, "post"]))
    assert response.status_code == 409 and "已审核" in response.json()["detail"]
    assert response.json()["code"] == "wrong_state"


def test_purchasing_cannot_post_over_the_api(client, make_user):
    preparer, reviewer = finance_pair()
    voucher = services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)[0]
    services.voucher_review(voucher=voucher, by=reviewer)
    client.force_login(make_user(Role.PURCHASING))
    assert client.post(reverse("accounting-api:voucher-action", args=[voucher.pk, "post"])).status_code == 403


def test_the_whole_cycle_over_the_api_with_the_pages_role_rules(
    client, make_user, django_capture_on_commit_callbacks
):
    preparer, reviewer = finance_pair()
    client.force_login(preparer)
    body = {
        "node": "before_issue",
        "outcome": "return",
        "invoice_status": "not_invoiced",
        "booking_date": "2026-11-20",
        "quantity": "10",
        "affected_quantity": "2",
        "unit_price": "10",
        "vat_rate": "0.13",
        "settlement": "credit",
    }
    created = client.post(reverse("accounting-api:dispute-list"), body, "application/json")
    assert created.status_code == 201, created.json()
    dispute = created.json()
    assert len(dispute["vouchers"]) == 2 and dispute["pending"] == ["invoice_date"]
    dates = reverse("accounting-api:dispute-action", args=[dispute["id"], "dates"])
    refused = client.post(dates, {"invoice_date": "2026-11-25"}, "application/json")
    assert refused.status_code == 400 and "invoice_date" in refused.json()["errors"]
    done = client.post(dates, {"invoice_date": "2026-12-04"}, "application/json").json()
    assert len(done["vouchers"]) == 3 and done["pending"] == []
    # the preparer may not review; the reviewer reviews, unreviews, reviews and posts
    first = done["vouchers"][0]
    action = lambda pk, name: reverse("accounting-api:voucher-action", args=[pk, name])  # noqa: E731
    assert client.post(action(first, "review")).status_code == 400
    client.force_login(reviewer)
    assert client.post(action(first, "review")).json()["state"] == "reviewed"
    assert client.post(action(first, "unreview")).json()["state"] == "draft"
    for pk in done["vouchers"]:
        client.post(action(pk, "review"))
        posted = client.post(action(pk, "post")).json()
        assert posted["state"] == "posted"
    # correct: posted vouchers reversed, corrected figures booked
    correct = reverse("accounting-api:dispute-action", args=[dispute["id"], "correct"])
    corrected = client.post(correct, {"unit_price": "12"}, "application/json")
    assert corrected.status_code == 200 and corrected.json()["generation"] == 1
    # periods: closing refused while unposted vouchers remain; balances; reopen
    november = Period.objects.get(year=2026, month=11)
    close = reverse("accounting-api:period-action", args=[november.pk, "close"])
    assert client.post(close).status_code == 409
    balances = client.get(reverse("accounting-api:period-balances", args=[november.pk])).json()
    assert balances["export_matches"] is True and {r["account_code"] for r in balances["rows"]} >= {"1403"}
    # exports: start, status, download
    with django_capture_on_commit_callbacks(execute=True):
        job = client.post(
            reverse("accounting-api:export-start"),
            {"layout": "kingdee", "file_format": "csv"},
            "application/json",
        )
    assert job.status_code == 202
    status = client.get(reverse("accounting-api:export-detail", args=[job.json()["id"]])).json()
    assert status["status"] == "done" and status["download"]
    assert client.get(status["download"]).status_code == 200
    # roles: purchasing may read but not open, correct, close or export
    client.force_login(make_user(Role.PURCHASING))
    assert client.get(reverse("accounting-api:dispute-detail", args=[dispute["id"]])).status_code == 200
    assert client.post(reverse("accounting-api:dispute-list"), body, "application/json").status_code == 403
    assert client.post(correct, {"unit_price": "13"}, "application/json").status_code == 403
    assert client.post(close).status_code == 403
    assert client.post(reverse("accounting-api:export-start"), {}, "application/json").status_code == 403
    assert datetime.date.fromisoformat(done["booking_date"]) == datetime.date(2026, 11, 20)


def test_api_bad_input_is_a_400_with_a_reason_and_saves_nothing(client):
    preparer, _ = finance_pair()
    client.force_login(preparer)
    url = reverse("accounting-api:dispute-list")
    for body in (
        {"node": "after_sale", "outcome": "stoppage_loss", "booking_date": "2026-11-20"},
        {"node": "moon", "outcome": "return", "booking_date": "2026-11-20"},
        {"node": "litigation", "outcome": "litigation_costs", "costs": "abc", "booking_date": "2026-11-20"},
        {"node": "litigation", "outcome": "litigation_costs", "costs": "1", "booking_date": "²"},
    ):
        response = client.post(url, body, "application/json")
        assert response.status_code == 400 and response.json()["detail"], body
    assert not QualityDispute.objects.exists()
    assert client.post(reverse("accounting-api:dispute-action", args=[999, "generate"])).status_code == 404


def test_the_dispute_list_makes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    preparer, _ = finance_pair()
    for _ in range(6):
        services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)
    client.force_login(preparer)
    with django_assert_max_num_queries(12):
        data = client.get(reverse("accounting-api:dispute-list")).json()
    assert data["count"] == 6 and all(len(d["vouchers"]) == 1 for d in data["results"])
