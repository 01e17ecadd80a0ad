"""Disputes, vouchers and periods through the services: what finance sees happen."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from accounting import services
from accounting.models import Account, Period, QualityDispute, Voucher, VoucherLine
from accounts.roles import Role
from apperrors.exceptions import AppError, Forbidden
from tests.factories import MaterialBatchFactory, ShipmentFactory

from .factories import finance_pair, make_dispute, posted_vouchers

pytestmark = pytest.mark.django_db


def test_chart_has_the_default_codes_and_four_distinct_vat_accounts():
    names = dict(Account.objects.values_list("code", "name"))
    for code in ("1002", "1403", "2202", "2221", "5001", "6701", "6702"):
        assert code in names
    vat = Account.objects.filter(parent__code="2221").values_list("code", flat=True)
    assert sorted(vat) == ["222101", "222102", "222103", "222104", "222105"]
    assert len({names[c] for c in vat}) == 5


def test_company_mapping_is_booked_on_the_lines():
    preparer, _reviewer = finance_pair()
    Account.objects.filter(code="660202").update(company_code="6602.11", company_name="管理费用-诉讼费用")
    vouchers = services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)
    line = vouchers[0].lines.get(line_no=1)
    assert (line.account_code, line.account_name, line.account.code) == (
        "6602.11",
        "管理费用-诉讼费用",
        "660202",
    )


def test_return_is_valued_at_the_batch_price_not_a_newer_contract():
    preparer, _ = finance_pair()
    batch = MaterialBatchFactory(unit_price=Decimal("4800.0000"))
    MaterialBatchFactory(supplier=batch.supplier, unit_price=Decimal("5600.0000"))  # newer contract
    dispute = make_dispute(
        preparer,
        node="after_issue",
        outcome="return",
        invoice_status="not_invoiced",
        affected_quantity=Decimal("2"),
        material_batch=batch,
        unit_price=Decimal("5600"),
    )
    assert dispute.unit_price == Decimal("4800.0000") and dispute.supplier == batch.supplier
    vouchers = services.dispute_generate_vouchers(dispute=dispute, by=preparer)
    assert vouchers[0].lines.get(line_no=1).amount == Decimal("-9600.00")


def test_dispute_from_a_source_prefills_customer_shipment_and_quantity():
    preparer, _ = finance_pair()
    shipment = ShipmentFactory(quantity=Decimal("40"))

    class Ticket:  # any object shaped like a complaint ticket
        number = "KS-2026-0042"
        customer = shipment.customer
        quantity = Decimal("6")

    Ticket.shipment = shipment
    dispute = make_dispute(
        preparer, source=Ticket(), node="after_sale", outcome="exchange", unit_cost=Decimal("100")
    )
    assert dispute.customer == shipment.customer and dispute.shipment == shipment
    assert dispute.affected_quantity == Decimal("6") and dispute.source_reference == "KS-2026-0042"


def test_refused_combination_is_a_form_error_on_its_field():
    preparer, _ = finance_pair()
    with pytest.raises(AppError) as info:
        make_dispute(preparer, node="after_sale", outcome="stoppage_loss")
    assert "outcome" in info.value.errors


def test_only_finance_opens_disputes(make_user):
    with pytest.raises(Forbidden):
        make_dispute(make_user(Role.PURCHASING))


def test_generating_twice_never_books_twice():
    preparer, _ = finance_pair()
    dispute = make_dispute(
        preparer,
        node="litigation",
        outcome="litigation_lost_prepayment",
        prepaid_balance=Decimal("1000"),
        costs=None,
        judgment_date=datetime.date(2026, 11, 20),
        write_off_date=datetime.date(2026, 11, 20),
    )
    first = services.dispute_generate_vouchers(dispute=dispute, by=preparer)
    second = services.dispute_generate_vouchers(dispute=dispute, by=preparer)
    assert [v.pk for v in first] == [v.pk for v in second] and len(first) == 3
    assert Voucher.objects.filter(dispute=dispute).count() == 3
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database would refuse it anyway
        Voucher.objects.create(
            period=first[0].period,
            date=first[0].date,
            summary="x",
            created_by=preparer,
            dispute=dispute,
            generation=0,
            position=1,
        )


def _month_totals(code: str, year: int, month: int) -> Decimal:
    lines = VoucherLine.objects.filter(
        account__code=code, voucher__period__year=year, voucher__period__month=month
    )
    return sum((ln.amount for ln in lines), Decimal(0))


def test_the_invoice_of_an_estimate_waits_for_its_own_date_never_before_the_reversal():
    # 10 delivered, 2 returned at 10: estimate 80.00 (no VAT); invoice 80.00 + VAT 10.40 = 90.40.
    preparer, _ = finance_pair()
    dispute = make_dispute(
        preparer,
        node="before_issue",
        outcome="return",
        invoice_status="not_invoiced",
        quantity=Decimal("10"),
        affected_quantity=Decimal("2"),
        unit_price=Decimal("10"),
        settlement="prepaid",
        costs=None,
    )
    vouchers = services.dispute_generate_vouchers(dispute=dispute, by=preparer)
    # V1 on the receipt, V2 the red reversal on the 1st of next month; V3 waits for the invoice.
    assert [v.date for v in vouchers] == [datetime.date(2026, 11, 20), datetime.date(2026, 12, 1)]
    assert [(p, f) for p, _v, f in services.dispute_pending(dispute)] == [(3, "invoice_date")]
    # The receipt month carries the estimate only: stock and the estimate payable once, not twice.
    assert _month_totals("1403", 2026, 11) == Decimal("80.00")
    assert _month_totals("2202", 2026, 11) == Decimal("0") and _month_totals("220201", 2026, 11) == Decimal(
        "80.00"
    )
    with pytest.raises(AppError) as info:  # an invoice before the reversal is refused
        services.dispute_record_dates(dispute=dispute, by=preparer, invoice_date=datetime.date(2026, 11, 28))
    assert "invoice_date" in info.value.errors
    assert Voucher.objects.filter(dispute=dispute).count() == 2
    vouchers = services.dispute_record_dates(
        dispute=dispute, by=preparer, invoice_date=datetime.date(2026, 12, 9)
    )
    v3 = vouchers[2]
    assert v3.date == datetime.date(2026, 12, 9) and v3.position == 3
    # settlement applies to V3: prepaid goods credit 1123, not 2202
    assert list(v3.lines.values_list("account_code", "side", "amount")) == [
        ("1403", "debit", Decimal("80.00")),
        ("222101", "debit", Decimal("10.40")),
        ("1123", "credit", Decimal("90.40")),
    ]
    # December: the reversal (-80) and the invoice (+80) in 1403: net nil, as the stock was already in.
    assert _month_totals("1403", 2026, 12) == Decimal("0.00")
    assert services.dispute_pending(dispute) == []
    with pytest.raises(AppError):  # once booked, the date changes only by a correction
        services.dispute_record_dates(dispute=dispute, by=preparer, invoice_date=datetime.date(2026, 12, 10))


def test_every_voucher_carries_its_own_business_date_checked_for_order():
    preparer, _ = finance_pair()
    dispute = make_dispute(
        preparer,
        node="after_sale",
        outcome="indirect_loss_compensation",
        compensation_to_customer=Decimal("80000"),
        supplier_recourse=Decimal("30000"),
        costs=None,
    )
    assert len(services.dispute_generate_vouchers(dispute=dispute, by=preparer)) == 1  # V1 only
    with pytest.raises(AppError) as info:
        services.dispute_record_dates(dispute=dispute, by=preparer, agreement_date=datetime.date(2026, 11, 2))
    assert "agreement_date" in info.value.errors
    services.dispute_record_dates(dispute=dispute, by=preparer, agreement_date=datetime.date(2026, 12, 3))
    vouchers = services.dispute_record_dates(
        dispute=dispute, by=preparer, payment_date=datetime.date(2026, 12, 15)
    )
    assert [(v.position, v.date) for v in vouchers] == [
        (1, datetime.date(2026, 11, 20)),
        (2, datetime.date(2026, 12, 3)),
        (3, datetime.date(2026, 12, 3)),
        (4, datetime.date(2026, 12, 15)),
    ]
    # a lost suit: on the judgment's date; the write-off never before it
    lost = make_dispute(
        preparer,
        node="litigation",
        outcome="litigation_lost_prepayment",
        prepaid_balance=Decimal("1000"),
        costs=None,
        judgment_date=datetime.date(2026, 11, 12),
    )
    assert [v.date for v in services.dispute_generate_vouchers(dispute=lost, by=preparer)] == [
        datetime.date(2026, 11, 12)
    ] * 2
    with pytest.raises(AppError):
        services.dispute_record_dates(dispute=lost, by=preparer, write_off_date=datetime.date(2026, 11, 1))
    # the VAT transfer-out goes to the month the red-letter form was raised
    ret = make_dispute(
        preparer,
        node="after_issue",
        outcome="return",
        invoice_status="invoiced_deducted",
        affected_quantity=Decimal("3"),
        unit_price=Decimal("1000.05"),
        costs=None,
        red_form_date=datetime.date(2026, 12, 2),
    )
    dates = [(v.date, v.period.month) for v in services.dispute_generate_vouchers(dispute=ret, by=preparer)]
    assert dates == [(datetime.date(2026, 11, 20), 11), (datetime.date(2026, 12, 2), 12)]


def test_draft_reviewed_posted_with_numbers_per_period_and_word():
    preparer, reviewer = finance_pair()
    lost = make_dispute(
        preparer,
        node="litigation",
        outcome="litigation_lost_prepayment",
        prepaid_balance=Decimal("500"),
        costs=None,
        judgment_date=datetime.date(2026, 11, 20),
        write_off_date=datetime.date(2026, 11, 20),
        write_off_condition="3",
    )
    judgment = SimpleUploadedFile("判决书.pdf", b"%PDF-1.4\n%%EOF\n")
    services.evidence_add(dispute=lost, by=preparer, kind="judgment", upload=judgment)
    vouchers = posted_vouchers(lost, preparer, reviewer)
    assert [v.display_number for v in vouchers] == ["记-0001", "记-0002", "记-0003"]
    assert {v.attachments for v in vouchers} == {1}
    other_month = posted_vouchers(
        make_dispute(preparer, booking_date=datetime.date(2026, 12, 3)), preparer, reviewer
    )
    assert other_month[0].display_number == "记-0001"
    assert all(v.state == "posted" and v.posted_by == reviewer for v in vouchers)


def test_preparer_cannot_review_own_voucher():
    preparer, _ = finance_pair()
    voucher = services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)[0]
    with pytest.raises(AppError):
        services.voucher_review(voucher=voucher, by=preparer)


def test_draft_cannot_be_posted_and_only_finance_posts(make_user):
    preparer, reviewer = finance_pair()
    voucher = services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)[0]
    with pytest.raises(AppError):
        services.voucher_post(voucher=voucher, by=reviewer)
    services.voucher_review(voucher=voucher, by=reviewer)
    with pytest.raises(Forbidden):
        services.voucher_post(voucher=voucher, by=make_user(Role.SALES_MANAGER))


def test_unbalanced_voucher_is_not_reviewed():
    preparer, reviewer = finance_pair()
    voucher = services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)[0]
    VoucherLine.objects.filter(voucher=voucher, line_no=1).update(amount=Decimal("1.00"))
    with pytest.raises(AppError, match="不平衡"):
        services.voucher_review(voucher=voucher, by=reviewer)


def test_posted_voucher_cannot_be_changed_even_by_a_direct_orm_update():
    preparer, reviewer = finance_pair()
    voucher = posted_vouchers(make_dispute(preparer), preparer, reviewer)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.filter(pk=voucher.pk).update(summary="改过的摘要")
    with pytest.raises(IntegrityError), transaction.atomic():
        VoucherLine.objects.filter(voucher=voucher).update(amount=Decimal("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        VoucherLine.objects.filter(voucher=voucher).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.filter(pk=voucher.pk).delete()
    line = voucher.lines.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        VoucherLine.objects.create(
            voucher=voucher,
            line_no=9,
            account=line.account,
            account_code="1",
            account_name="x",
            side="debit",
            amount=1,
            summary="x",
        )
    voucher.refresh_from_db()
    assert voucher.summary != "改过的摘要" and voucher.lines.count() == 2


def test_draft_voucher_may_still_change():
    preparer, _ = finance_pair()
    voucher = services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)[0]
    Voucher.objects.filter(pk=voucher.pk).update(summary="草稿可改")
    services.voucher_delete(voucher=voucher, by=preparer)
    assert not Voucher.objects.filter(pk=voucher.pk).exists()


def test_reversal_is_red_letter_and_nets_to_zero():
    preparer, reviewer = finance_pair()
    voucher = posted_vouchers(make_dispute(preparer), preparer, reviewer)[0]
    reversal = services.voucher_reverse(voucher=voucher, by=reviewer)
    assert reversal.reverses == voucher and reversal.state == "draft"
    pairs = list(reversal.lines.values_list("account_code", "side", "amount"))
    assert pairs == [("660202", "debit", Decimal("-15800.00")), ("1002", "credit", Decimal("-15800.00"))]
    with pytest.raises(AppError):
        services.voucher_reverse(voucher=voucher, by=reviewer)


def test_correcting_a_dispute_reverses_posted_vouchers_and_books_the_corrected_ones():
    preparer, reviewer = finance_pair()
    dispute = make_dispute(preparer)
    original = posted_vouchers(dispute, preparer, reviewer)[0]
    corrected = services.dispute_correct(dispute=dispute, by=preparer, costs=Decimal("12000"))
    assert corrected[0].lines.get(line_no=1).amount == Decimal("12000.00")
    reversal = Voucher.objects.get(reverses=original)
    assert reversal.lines.get(line_no=1).amount == Decimal("-15800.00")
    assert QualityDispute.objects.get(pk=dispute.pk).generation == 1


def test_posting_into_a_closed_period_is_refused():
    preparer, reviewer = finance_pair()
    posted_vouchers(make_dispute(preparer), preparer, reviewer)
    late = services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)[0]
    services.voucher_review(voucher=late, by=reviewer)
    period = Period.objects.get(year=2026, month=11)
    with pytest.raises(AppError, match="未过账"):  # unposted vouchers block closing
        services.period_close(period=period, by=reviewer)
    services.voucher_unreview(voucher=late, by=reviewer)
    services.voucher_delete(voucher=late, by=preparer)
    services.period_close(period=period, by=reviewer)
    with pytest.raises(AppError, match="已结账"):  # no new vouchers in a closed period either
        services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)


def test_posting_is_refused_when_the_period_closed_after_review():
    preparer, reviewer = finance_pair()
    voucher = services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)[0]
    services.voucher_review(voucher=voucher, by=reviewer)
    Period.objects.filter(pk=voucher.period_id).update(status="closed")  # e.g. closed by another clerk
    with pytest.raises(AppError, match="已结账"):
        services.voucher_post(voucher=voucher, by=reviewer)
    assert Voucher.objects.get(pk=voucher.pk).number is None


def test_updating_a_dispute_keeps_the_batch_price():
    preparer, _ = finance_pair()
    batch = MaterialBatchFactory(unit_price=Decimal("4800.0000"))
    dispute = make_dispute(
        preparer,
        node="after_issue",
        outcome="exchange",
        affected_quantity=Decimal("1"),
        material_batch=batch,
        costs=None,
    )
    dispute = services.dispute_update(
        dispute=dispute, by=preparer, unit_price=Decimal("9999"), affected_quantity=Decimal("2")
    )
    assert dispute.unit_price == Decimal("4800.0000") and dispute.affected_quantity == Decimal("2")


def test_the_database_itself_refuses_posting_into_a_closed_period():
    preparer, reviewer = finance_pair()
    voucher = services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)[0]
    services.voucher_review(voucher=voucher, by=reviewer)
    Period.objects.filter(pk=voucher.period_id).update(status="closed")
    with pytest.raises(IntegrityError), transaction.atomic():  # bypassing the service
        Voucher.objects.filter(pk=voucher.pk).update(state="posted", number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.create(
            period_id=voucher.period_id, date=voucher.date, summary="x", created_by=preparer
        )
