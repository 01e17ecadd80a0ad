"""The admin cannot bypass the books (issue 11.4): disputes, vouchers and periods are shown,
never changed there, and the double booking once reproduced through it is impossible."""

from decimal import Decimal

import pytest

from accounting import services
from accounting.models import Period, QualityDispute, Voucher
from apperrors.exceptions import AppError

from .factories import finance_pair, make_dispute, make_ticket, posted_vouchers

pytestmark = pytest.mark.django_db


def test_editing_a_posted_disputes_costs_and_generation_in_the_admin_then_generating_books_nothing_twice(
    admin_client,
):
    preparer, reviewer = finance_pair()
    dispute = make_dispute(preparer)
    posted_vouchers(dispute, preparer, reviewer)
    url = f"/admin/accounting/qualitydispute/{dispute.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="costs"' not in page.content.decode()  # read-only view
    response = admin_client.post(
        url,
        {
            "node": "litigation",
            "outcome": "litigation_costs",
            "costs": "99999",
            "generation": "7",
            "booking_date": "2026-11-20",
            "vat_rate": "0.13",
            "created_by": preparer.pk,
        },
    )
    assert response.status_code == 403
    dispute.refresh_from_db()
    assert dispute.costs == Decimal("15800.00") and dispute.generation == 0
    services.dispute_generate_vouchers(dispute=dispute, by=preparer)
    assert Voucher.objects.filter(dispute=dispute).count() == 1
    # history's revert, add and delete are not offered either
    assert admin_client.get(f"/admin/accounting/qualitydispute/{dispute.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/accounting/qualitydispute/add/").status_code == 403


def test_even_a_generation_bumped_behind_the_services_back_cannot_book_twice():
    preparer, reviewer = finance_pair()
    dispute = make_dispute(preparer)
    posted_vouchers(dispute, preparer, reviewer)
    QualityDispute.objects.filter(pk=dispute.pk).update(generation=1, costs=Decimal("99999"))
    with pytest.raises(AppError, match=r"冲销|更正"):
        services.dispute_generate_vouchers(dispute=dispute, by=preparer)
    assert Voucher.objects.filter(dispute=dispute).count() == 1


def test_vouchers_periods_and_exports_are_read_only_in_the_admin(admin_client):
    preparer, reviewer = finance_pair()
    voucher = posted_vouchers(make_dispute(preparer), preparer, reviewer)[0]
    period = Period.objects.get()
    assert admin_client.get(f"/admin/accounting/voucher/{voucher.pk}/change/").status_code == 200
    assert admin_client.post(f"/admin/accounting/voucher/{voucher.pk}/change/", {}).status_code == 403
    response = admin_client.post(f"/admin/accounting/period/{period.pk}/change/", {"status": "closed"})
    assert response.status_code == 403
    period.refresh_from_db()
    assert not period.is_closed


def test_tickets_are_read_only_in_the_admin(admin_client):
    ticket = make_ticket()
    url = f"/admin/tickets/ticket/{ticket.pk}/change/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"description": "changed behind the workflow"}).status_code == 403
    assert admin_client.get("/admin/tickets/ticket/add/").status_code == 403
    ticket.refresh_from_db()
    assert ticket.description != "changed behind the workflow"
