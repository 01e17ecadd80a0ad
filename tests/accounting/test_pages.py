"""Finance's pages: Chinese first, live preview, voucher page with totals and sources, role checks."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounting import services
from accounting.models import Account, QualityDispute, Voucher
from accounts.roles import Role
from tests.factories import MaterialBatchFactory, ShipmentFactory

from .factories import finance_pair, make_dispute, posted_vouchers

pytestmark = pytest.mark.django_db


def test_finance_saves_a_dispute_and_gets_its_draft_vouchers(client):
    preparer, _ = finance_pair()
    client.force_login(preparer)
    batch = MaterialBatchFactory(unit_price=Decimal("4800"))
    response = client.post(
        reverse("accounting:dispute_create"),
        {
            "node": "after_issue",
            "outcome": "return",
            "invoice_status": "invoiced_deducted",
            "booking_date": "2026-11-20",
            "material_batch": batch.pk,
            "affected_quantity": "2",
            "unit_price": "9999",
            "vat_rate": "0.13",
            "red_form_date": "2026-11-25",
        },
    )
    dispute = QualityDispute.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "accounting:dispute_detail", args=[dispute.pk]
    )
    assert dispute.unit_price == Decimal("4800") and dispute.vouchers.count() == 2
    page = client.get(response.url).content.decode()
    assert "出库领用后" in page and "草稿" in page


def test_refused_dispute_shows_the_chinese_reason_on_the_form(client):
    preparer, _ = finance_pair()
    client.force_login(preparer)
    response = client.post(
        reverse("accounting:dispute_create"),
        {
            "node": "after_issue",
            "outcome": "in_kind_compensation",
            "invoice_status": "not_invoiced",
            "booking_date": "2026-11-20",
            "quantity": "100",
            "bonus_quantity": "5",
            "unit_price": "1",
            "cost_location": "wip",
            "vat_rate": "0.13",
        },
    )
    assert response.status_code == 200 and "名义金额1元" in response.content.decode()
    assert not QualityDispute.objects.exists()


def test_live_preview_renders_balanced_vouchers_or_the_reason(client):
    preparer, _ = finance_pair()
    client.force_login(preparer)
    url = reverse("accounting:dispute_preview")
    data = {
        "node": "litigation",
        "outcome": "litigation_costs",
        "costs": "15800",
        "booking_date": "2026-11-20",
    }
    body = client.post(url, data).content.decode()
    assert "660202" in body and "15,800.00" in body and "借贷平衡" in body and "2026-11-20" in body
    # the booking date counts in the check: no "balanced" while the form could not be saved
    body = client.post(url, {**data, "booking_date": ""}).content.decode()
    assert "借贷平衡" not in body and "记账日期" in body
    # reasons name the field by its label, never the raw key
    body = client.post(url, {**data, "costs": ""}).content.decode()
    assert "诉讼费用" in body and "需要填写字段" in body and "costs" not in body.replace("id_costs", "")


def test_the_form_prefills_the_booking_date_and_shows_a_replaced_unit_price(client):
    preparer, _ = finance_pair()
    client.force_login(preparer)
    body = client.get(reverse("accounting:dispute_create")).content.decode()
    assert f'name="booking_date" value="{datetime.date.today().isoformat()}"' in body
    batch = MaterialBatchFactory(unit_price=Decimal("6100"), batch_number="BG-7")
    data = {
        "node": "after_issue",
        "outcome": "exchange",
        "affected_quantity": "2",
        "unit_price": "1850",
        "material_batch": batch.pk,
        "booking_date": "2026-11-20",
    }
    body = client.post(reverse("accounting:dispute_preview"), data).content.decode()
    assert 'id="preview-price-replaced"' in body and "1,850.00" in body and "6,100.00" in body
    assert "BG-7" in body and "12,200.00" in body
    for hostile in ("abc", "²", "9" * 40):
        body = client.post(reverse("accounting:dispute_preview"), {**data, "material_batch": hostile})
        assert body.status_code == 200 and "物料批次不存在" in body.content.decode()
    # A NUL byte never reaches the page: the site-wide guard answers 400 (security.middleware).
    body = client.post(reverse("accounting:dispute_preview"), {**data, "material_batch": "1\x00"})
    assert body.status_code == 400 and "空字符" in body.content.decode()


def test_form_prefills_from_a_shipment(client):
    preparer, _ = finance_pair()
    client.force_login(preparer)
    shipment = ShipmentFactory(quantity=Decimal("12"))
    body = client.get(reverse("accounting:dispute_create") + f"?shipment={shipment.pk}").content.decode()
    assert f'<option value="{shipment.customer.pk}" selected' in body and 'value="12' in body


def _shipment_options(body: str) -> str:
    return body[body.index('name="shipment"') :].split("</select>")[0]


def test_the_form_offers_only_the_chosen_customers_shipments(client, django_assert_max_num_queries):
    preparer, _ = finance_pair()
    client.force_login(preparer)
    mine = ShipmentFactory()
    others = [ShipmentFactory() for _ in range(30)]  # other customers' shipments
    blank = client.get(reverse("accounting:dispute_create")).content.decode()
    assert not any(s.lot_number in _shipment_options(blank) for s in [mine, *others])
    # Prefilled from a shipment: its customer's shipments, in one query whatever their number.
    with django_assert_max_num_queries(20):
        body = client.get(reverse("accounting:dispute_create") + f"?shipment={mine.pk}").content.decode()
    offered = _shipment_options(body)
    assert f'<option value="{mine.pk}" selected' in offered
    assert not any(s.lot_number in offered for s in others)


def test_a_shipment_of_another_customer_is_refused_and_nothing_saved(client):
    preparer, _ = finance_pair()
    client.force_login(preparer)
    mine, theirs = ShipmentFactory(), ShipmentFactory()
    response = client.post(
        reverse("accounting:dispute_create"),
        {
            "node": "litigation",
            "outcome": "litigation_costs",
            "costs": "15800",
            "booking_date": "2026-11-20",
            "vat_rate": "0.13",
            "customer": mine.customer.pk,
            "shipment": theirs.pk,
        },
    )
    assert response.status_code == 200 and "该发货记录属于其他客户" in response.content.decode()
    assert not QualityDispute.objects.exists()


def test_voucher_page_shows_totals_balance_and_source(client):
    preparer, reviewer = finance_pair()
    dispute = make_dispute(preparer, source_reference="KS-2026-0042")
    voucher = posted_vouchers(dispute, preparer, reviewer)[0]
    client.force_login(reviewer)
    body = client.get(reverse("accounting:voucher_detail", args=[voucher.pk])).content.decode()
    assert "记-0001" in body and "15,800.00" in body and "借贷平衡" in body
    assert dispute.number in body and "KS-2026-0042" in body and "红字冲销" in body


def test_review_and_post_through_the_pages(client):
    preparer, reviewer = finance_pair()
    voucher = services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)[0]
    client.force_login(reviewer)
    client.post(reverse("accounting:voucher_action", args=[voucher.pk, "review"]))
    client.post(reverse("accounting:voucher_action", args=[voucher.pk, "post"]))
    voucher.refresh_from_db()
    assert voucher.state == "posted" and voucher.number == 1


def test_non_finance_views_but_cannot_post(client, make_user):
    preparer, reviewer = finance_pair()
    voucher = services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)[0]
    services.voucher_review(voucher=voucher, by=reviewer)
    client.force_login(make_user(Role.PURCHASING))
    body = client.get(reverse("accounting:voucher_detail", args=[voucher.pk])).content.decode()
    assert "btn-post" not in body
    response = client.post(reverse("accounting:voucher_action", args=[voucher.pk, "post"]))
    assert response.status_code == 403
    assert Voucher.objects.get(pk=voucher.pk).state == "reviewed"


def test_sales_sees_no_accounting(client, make_user):
    client.force_login(make_user(Role.SALES))
    assert client.get(reverse("accounting:voucher_list")).status_code == 403
    assert client.get(reverse("accounting:dispute_create")).status_code == 403


def test_period_close_page_refuses_with_unposted_vouchers(client):
    preparer, reviewer = finance_pair()
    services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)
    client.force_login(reviewer)
    period = Voucher.objects.get().period
    response = client.post(reverse("accounting:period_action", args=[period.pk, "close"]), follow=True)
    assert "结账前请先过账" in response.content.decode()


def test_lists_render(client):
    preparer, reviewer = finance_pair()
    posted_vouchers(make_dispute(preparer, booking_date=datetime.date(2026, 10, 8)), preparer, reviewer)
    client.force_login(reviewer)
    for name in ("dispute_list", "voucher_list", "period_list", "export_list"):
        assert client.get(reverse(f"accounting:{name}")).status_code == 200


def test_correcting_a_posted_dispute_through_the_page_reverses_and_rebooks(client):
    preparer, reviewer = finance_pair()
    dispute = make_dispute(preparer)
    original = posted_vouchers(dispute, preparer, reviewer)[0]
    client.force_login(preparer)
    url = reverse("accounting:dispute_edit", args=[dispute.pk])
    assert "红字凭证冲销" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "node": "litigation",
            "outcome": "litigation_costs",
            "costs": "12000",
            "booking_date": "2026-11-20",
            "vat_rate": "0.13",
        },
    )
    assert response.status_code == 302
    reversal = Voucher.objects.get(reverses=original)
    assert reversal.lines.get(line_no=1).amount == Decimal("-15800.00")
    assert Voucher.objects.filter(dispute=dispute, generation=1).get().lines.get(line_no=1).amount == Decimal(
        "12000"
    )


def test_admin_maps_standard_codes_to_the_company_chart(admin_client):
    body = admin_client.get("/admin/accounting/account/").content.decode()
    assert "222103" in body and "company_code" in body
    account = Account.objects.get(code="660202")
    response = admin_client.post(
        f"/admin/accounting/account/{account.pk}/change/",
        {
            "name": account.name,
            "company_code": "6602.11",
            "company_name": "管理费用-诉讼费用",
            "parent": account.parent_id,
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.booking_code, account.code) == ("6602.11", "660202")


def test_dispute_page_shows_the_voucher_waiting_for_its_invoice_and_enters_the_date(client):
    preparer, _ = finance_pair()
    dispute = make_dispute(
        preparer,
        node="before_issue",
        outcome="return",
        invoice_status="not_invoiced",
        quantity=Decimal("10"),
        affected_quantity=Decimal("2"),
        unit_price=Decimal("10"),
        costs=None,
    )
    services.dispute_generate_vouchers(dispute=dispute, by=preparer)
    client.force_login(preparer)
    url = reverse("accounting:dispute_detail", args=[dispute.pk])
    body = client.get(url).content.decode()
    assert 'id="pending-3"' in body and "发票到达日期" in body and "2026-12-01" in body
    post = reverse("accounting:dispute_dates", args=[dispute.pk])
    body = client.post(post, {"invoice_date": "2026-11-21"}, follow=True).content.decode()
    assert "暂估冲回日" in body and dispute.vouchers.count() == 2
    assert client.post(post, {"invoice_date": "abc"}, follow=True).status_code == 200
    client.post(post, {"invoice_date": "2026-12-09"})
    assert dispute.vouchers.get(position=3).date == datetime.date(2026, 12, 9)
    assert 'id="pending-3"' not in client.get(url).content.decode()


def test_the_preparer_is_told_why_instead_of_offered_review_and_posting_all_asks_first(client):
    preparer, reviewer = finance_pair()
    dispute = make_dispute(preparer)
    voucher = services.dispute_generate_vouchers(dispute=dispute, by=preparer)[0]
    client.force_login(preparer)
    body = client.get(reverse("accounting:voucher_detail", args=[voucher.pk])).content.decode()
    assert 'id="btn-review"' not in body and 'id="review-not-yours"' in body
    body = client.get(reverse("accounting:dispute_detail", args=[dispute.pk])).content.decode()
    assert 'id="review-all"' not in body and "另一位财务" in body
    client.force_login(reviewer)
    body = client.get(reverse("accounting:dispute_detail", args=[dispute.pk])).content.decode()
    assert 'id="review-all"' in body and 'id="post-all"' not in body
    client.post(reverse("accounting:dispute_bulk", args=[dispute.pk, "review"]))
    body = client.get(reverse("accounting:dispute_detail", args=[dispute.pk])).content.decode()
    assert 'data-confirm="' in body and "不可撤销" in body and 'id="post-all"' in body


def test_finance_lists_page_by_fifty_and_keep_their_filters(client, django_assert_max_num_queries):
    """A year of disputes makes thousands of vouchers: the list pages instead of drawing
    them all (or silently stopping at some number), and the pages keep the filter."""
    preparer, reviewer = finance_pair()
    for _ in range(52):
        services.dispute_generate_vouchers(dispute=make_dispute(preparer), by=preparer)
    total = Voucher.objects.filter(state="draft").count()
    assert total > 50
    client.force_login(reviewer)
    url = reverse("accounting:voucher_list")
    with django_assert_max_num_queries(12):
        first = client.get(url, {"state": "draft"}).content.decode()
    rows = re.compile(r'href="/accounting/vouchers/\d+/"')
    assert len(rows.findall(first)) == 50
    assert f"1 / {-(-total // 50)}" in first
    assert "?state=draft&amp;page=2" in first
    second = client.get(url, {"state": "draft", "page": 2}).content.decode()
    assert len(rows.findall(second)) == total - 50
    # A page past the end or not a number shows the last / first page, never an error.
    assert client.get(url, {"page": "99"}).status_code == 200
    assert client.get(url, {"page": "x"}).status_code == 200
    # The disputes behind them page the same way: the oldest two are on page 2, not dropped.
    disputes = reverse("accounting:dispute_list")
    links = re.compile(r'href="/accounting/disputes/\d+/"')
    assert len(links.findall(client.get(disputes).content.decode())) == 50
    assert len(links.findall(client.get(disputes, {"page": 2}).content.decode())) == 2
