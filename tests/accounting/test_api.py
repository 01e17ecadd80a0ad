"""The vouchers API calls the same services as the pages."""

import pytest
from django.urls import reverse

from accounting import services
from core.roles import Role

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


def test_wrong_state_is_400_with_the_reason(client):
    preparer, reviewer = finance_pair()
    voucher = services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)[0]
    client.force_login(reviewer)
    response = client.post(reverse("accounting-api:voucher-action", args=[voucher.pk, "post"]))
    assert response.status_code == 400 and "已审核" in response.json()["error"]


def test_purchasing_cannot_post_over_the_api(client, make_user):
    preparer, reviewer = finance_pair()
    voucher = services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)[0]
    services.voucher_review(voucher=voucher, by=reviewer)
    client.force_login(make_user(Role.PURCHASING))
    assert client.post(reverse("accounting-api:voucher-action", args=[voucher.pk, "post"])).status_code == 403
