"""Numbers that each fit but whose product does not: refused with a reason, never a 500."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounting.models import QualityDispute
from accounting.rules import DisputeInputError, generate
from accounts.roles import Role

HUGE = {
    "node": "before_issue",
    "outcome": "exchange",
    "invoice_status": "invoiced_deducted",
    "quantity": "99999999999",  # fits quantity numeric(14,3)
    "unit_price": "9999999999",  # fits unit price numeric(14,4)
    "settlement": "credit",
}


def test_quantity_times_price_beyond_a_voucher_line_is_refused():
    with translation.override("zh-hans"), pytest.raises(DisputeInputError) as info:
        generate(HUGE)
    assert "超出凭证分录金额上限" in info.value.message


@pytest.mark.django_db
def test_the_dispute_page_says_so_and_saves_nothing(client, make_user):
    client.force_login(make_user(Role.FINANCE))
    data = {**HUGE, "booking_date": "2026-11-02", "description": "数量单价都很大"}
    response = client.post(reverse("accounting:dispute_create"), data)
    assert response.status_code == 200
    assert "超出凭证分录金额上限" in response.content.decode()
    assert not QualityDispute.objects.exists()


@pytest.mark.django_db
def test_the_preview_api_says_so(client, make_user):
    client.force_login(make_user(Role.FINANCE))
    response = client.post(reverse("accounting-api:dispute-preview"), HUGE, content_type="application/json")
    assert response.status_code == 400
    assert "超出凭证分录金额上限" in response.content.decode()
