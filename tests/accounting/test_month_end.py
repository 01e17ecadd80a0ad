"""Month-end (issue 12.9): three months of mixed disputes, each month's 科目发生额及余额表
against hand-computed figures (balances as debit minus credit), and the period's exported
lines adding up to it exactly."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from accounting import services
from accounting.models import Period
from accounting.selectors import export_check, period_balances

from .factories import finance_pair, make_dispute, posted_vouchers

pytestmark = pytest.mark.django_db


def _post_all(preparer, reviewer, dispute):
    return posted_vouchers(dispute, preparer, reviewer)


@pytest.fixture
def three_months():
    preparer, reviewer = finance_pair()
    # September: litigation costs 15,800; a return after issue without invoice, 7 × 333.33 = 2,333.31
    _post_all(preparer, reviewer, make_dispute(preparer, booking_date=datetime.date(2026, 9, 10)))
    _post_all(
        preparer,
        reviewer,
        make_dispute(
            preparer,
            booking_date=datetime.date(2026, 9, 12),
            node="after_issue",
            outcome="return",
            invoice_status="not_invoiced",
            affected_quantity=D("7"),
            unit_price=D("333.33"),
            costs=None,
        ),
    )
    # October: an estimate of 2 × 10 = 80.00 (its reversal and invoice fall in November); a sales
    # return of 5 × 8,000 (VAT 5,200; cost 5 × 5,500); a return after issue of 3 × 1,000.05 whose
    # red-letter form is raised in November.
    estimate = make_dispute(
        preparer,
        booking_date=datetime.date(2026, 10, 20),
        node="before_issue",
        outcome="return",
        invoice_status="not_invoiced",
        quantity=D("10"),
        affected_quantity=D("8"),
        unit_price=D("40"),
        costs=None,
    )
    _post_all(preparer, reviewer, estimate)
    _post_all(
        preparer,
        reviewer,
        make_dispute(
            preparer,
            booking_date=datetime.date(2026, 10, 15),
            node="after_sale",
            outcome="return",
            invoice_status="invoiced",
            affected_quantity=D("5"),
            unit_price=D("8000"),
            unit_cost=D("5500"),
            costs=None,
        ),
    )
    red = make_dispute(
        preparer,
        booking_date=datetime.date(2026, 10, 28),
        node="after_issue",
        outcome="return",
        invoice_status="invoiced_deducted",
        affected_quantity=D("3"),
        unit_price=D("1000.05"),
        costs=None,
        red_form_date=datetime.date(2026, 11, 3),
    )
    for voucher in services.dispute_generate_vouchers(dispute=red, by=preparer):
        services.voucher_review(voucher=voucher, by=reviewer)
        services.voucher_post(voucher=voucher, by=reviewer)
    # November: the estimate's invoice arrives on the 9th
    for voucher in services.dispute_record_dates(
        dispute=estimate, by=preparer, invoice_date=datetime.date(2026, 11, 9)
    ):
        if voucher.state == "draft":
            services.voucher_review(voucher=voucher, by=reviewer)
            services.voucher_post(voucher=voucher, by=reviewer)
    return preparer, reviewer


def _table(year, month):
    period = Period.objects.get(year=year, month=month)
    return period, {
        r.account_code: (r.opening, r.debit, r.credit, r.closing) for r in period_balances(period)
    }


def test_three_months_of_balance_tables_match_hand_computed_figures(three_months):
    sep, table = _table(2026, 9)
    assert table == {
        "1002": (D(0), D(0), D("15800.00"), D("-15800.00")),
        "1403": (D(0), D("-2333.31"), D("-2333.31"), D("0.00")),
        "220201": (D(0), D(0), D("-2333.31"), D("2333.31")),
        "5001": (D(0), D("-2333.31"), D(0), D("-2333.31")),
        "660202": (D(0), D("15800.00"), D(0), D("15800.00")),
    }
    oct_, table = _table(2026, 10)
    assert table == {
        "1002": (D("-15800.00"), D(0), D(0), D("-15800.00")),
        "1122": (D(0), D("-45200.00"), D(0), D("-45200.00")),
        "1403": (D("0.00"), D("80.00"), D("-3000.15"), D("3080.15")),
        "1405": (D(0), D(0), D("-27500.00"), D("27500.00")),
        "220201": (D("2333.31"), D(0), D("80.00"), D("2253.31")),
        "222102": (D(0), D(0), D("-5200.00"), D("5200.00")),
        "5001": (D("-2333.31"), D("-3000.15"), D(0), D("-5333.46")),
        "6001": (D(0), D(0), D("-40000.00"), D("40000.00")),
        "6401": (D(0), D("-27500.00"), D(0), D("-27500.00")),
        "660202": (D("15800.00"), D(0), D(0), D("15800.00")),
    }
    nov, table = _table(2026, 11)
    # reversal -80 and invoice +80 in 1403, the red form's -3,000.15; VAT 10.40 in, 390.02 out;
    # 2202: +90.40 for the invoice, -3,390.17 for the return
    assert table["1403"] == (D("3080.15"), D("-3000.15"), D(0), D("80.00"))
    assert table["220201"] == (D("2253.31"), D(0), D("-80.00"), D("2333.31"))
    assert table["222101"] == (D(0), D("10.40"), D(0), D("10.40"))
    assert table["222103"] == (D(0), D(0), D("390.02"), D("-390.02"))
    assert table["2202"] == (D(0), D(0), D("-3299.77"), D("3299.77"))
    assert table["5001"] == (D("-5333.46"), D(0), D(0), D("-5333.46"))
    assert len(table) == 13  # the ten of October plus 222101, 222103 and 2202
    for period in (sep, oct_, nov):
        assert export_check(period) == []
        rows = period_balances(period)
        assert sum(r.debit for r in rows) == sum(r.credit for r in rows)  # every voucher balances


def test_the_balance_page_shows_the_table_and_the_export_check(client, three_months):
    _preparer, reviewer = three_months
    period = Period.objects.get(year=2026, month=11)
    client.force_login(reviewer)
    body = client.get(reverse("accounting:period_balances", args=[period.pk])).content.decode()
    assert 'data-account="2202"' in body and "3,299.77" in body and "贷" in body
    assert "与本表完全一致" in body
    assert client.get(reverse("accounting:period_balances", args=[99999])).status_code == 404
