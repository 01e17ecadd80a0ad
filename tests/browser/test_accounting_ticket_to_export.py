"""Finance opens a quality dispute from a complaint ticket, a colleague reviews and posts its
vouchers, the ticket page shows them, and the downloaded export carries the ticket number."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from accounting.models import QualityDispute, Voucher
from tests.accounting.factories import make_ticket, purge_books
from tests.factories import CustomerFactory, ShipmentFactory, UserFactory
from tests.objections.factories import ObjectionFactory


@pytest.fixture
def books():
    yield
    purge_books()




def _csv(download) -> list[list[str]]:
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw[3:].decode())))


def _export(page, layout: str) -> list[list[str]]:
    page.goto(f"{page.base_url}/accounting/exports/")
    page.select_option("#id_layout", layout)
    page.select_option("#id_file_format", "csv")
    page.click("#start-export")
    page.wait_for_selector(".export-download")
    with page.expect_download() as info:
        page.locator(".export-download").first.click()
    return _csv(info.value)


def test_finance_opens_dispute_from_ticket_posts_and_exports(page, login, screenshot, books):
    preparer = UserFactory(roles=["finance"], full_name="吴芳")
    reviewer = UserFactory(roles=["finance"], full_name="郑洁")
    customer = CustomerFactory(name="长庆油田第三采油厂")
    shipment = ShipmentFactory(customer=customer, order_number="SO-2026-0815", quantity=Decimal("120"))
    seller = UserFactory(roles=["sales"])
    ObjectionFactory(customer=customer, owner=seller, words="你们的套管比别家贵百分之十")
    ticket = make_ticket(shipment=shipment, quantity=Decimal("5"), by=seller)

    login(page, preparer)
    page.goto(f"{page.base_url}/tickets/{ticket.number}/")
    card = page.locator("#quality-disputes")
    assert "发起质量异议" in card.inner_text() and "此工单尚无质量异议" in card.inner_text()
    screenshot(page, "link-ticket-page-finance")

    page.click("#open-dispute")
    page.wait_for_selector("#dispute-form")
    assert ticket.number in page.locator("#source-ticket").inner_text()
    assert page.input_value("#id_customer") == str(customer.pk)
    assert page.input_value("#id_shipment") == str(shipment.pk)
    assert page.input_value("#id_affected_quantity") == "5"
    assert page.input_value("#id_source_reference") == ticket.number
    page.select_option("#id_node", "after_sale")
    page.select_option("#id_outcome", "return")
    page.select_option("#id_invoice_status", "invoiced")
    page.fill("#id_booking_date", "2026-11-20")
    page.fill("#id_unit_price", "8000")
    page.fill("#id_unit_cost", "5500")
    page.locator("#id_unit_cost").blur()
    page.wait_for_selector("#preview-ok")
    preview = page.locator("#preview").inner_text()
    # 5 × 8,000 = 40,000 ; VAT 13% = 5,200 ; 45,200 ; cost 5 × 5,500 = 27,500 (all red-letter)
    assert "-45,200.00" in preview and "-5,200.00" in preview and "-27,500.00" in preview
    screenshot(page, "link-dispute-form-prefilled")
    page.click("#save-dispute")
    page.wait_for_selector("text=已保存")
    dispute = QualityDispute.objects.get()
    assert dispute.ticket_id == ticket.pk and dispute.customer == customer
    assert page.locator("#dispute-ticket").inner_text() == ticket.number

    page.context.clear_cookies()  # the colleague reviews and posts: never one's own voucher
    login(page, reviewer)
    page.goto(f"{page.base_url}/tickets/{ticket.number}/")
    page.locator("#quality-disputes").get_by_text(dispute.number).click()
    page.click("#review-all")
    page.wait_for_selector("text=已处理 2 张凭证")
    page.once("dialog", lambda dialog: dialog.accept())  # posting asks first
    page.click("#post-all")
    page.wait_for_selector("text=已处理 2 张凭证")
    assert sorted(Voucher.objects.values_list("number", flat=True)) == [1, 2]

    page.click("text=记-0001")
    assert page.locator("#balanced").inner_text() == "借贷平衡"
    assert page.locator("#voucher-ticket").inner_text() == ticket.number
    screenshot(page, "link-voucher-page")
    page.click("#voucher-ticket")
    page.wait_for_selector("#ticket-number")
    card = page.locator("#quality-disputes").inner_text()
    assert dispute.number in card and "记-0001" in card and "记-0002" in card and "已过账" in card
    screenshot(page, "link-ticket-page-after-posting")

    rows = _export(page, "generic")
    header, lines = rows[0], rows[1:]
    assert header[12] == "来源单据"
    assert [r[5] for r in lines] == ["1122", "6001", "222102", "6401", "1405"]
    assert [r[7] for r in lines] == ["-45200.00", "", "", "-27500.00", ""]
    assert [r[8] for r in lines] == ["", "-40000.00", "-5200.00", "", "-27500.00"]
    assert [r[11] for r in lines] == ["长庆油田第三采油厂", "", "", "", ""]  # the customer on 1122 only
    assert {r[12] for r in lines} == {f"{dispute.number} / {ticket.number}"}
    assert lines[0][13:16] == ["吴芳", "郑洁", "郑洁"]

    rows = _export(page, "kingdee")
    kingdee = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert {r["往来业务编号"] for r in kingdee} == {ticket.number} and len(kingdee) == 5
    screenshot(page, "link-exports")

    page.goto(f"{page.base_url}/objections/customers/{customer.pk}/")
    history = page.locator("#customer-timeline").inner_text()  # ticket and objection, one timeline
    assert ticket.number in history and "你们的套管比别家贵百分之十" in history
    screenshot(page, "link-customer-history")
