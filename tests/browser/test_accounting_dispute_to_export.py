"""Finance opens a quality dispute, watches its vouchers in the live preview, a colleague
reviews and posts them, and the journal is exported and downloaded.

The same path started from a complaint ticket's "发起质量异议" is in
test_accounting_ticket_to_export.py; this one covers a purchase-side dispute typed by hand.
"""

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest

from accounting import services
from accounting.models import Voucher
from tests.accounting.factories import make_dispute, purge_books
from tests.browser.intake import choose, offered
from tests.factories import MaterialBatchFactory, ShipmentFactory, UserFactory


@pytest.fixture
def books():
    yield
    purge_books()




def test_finance_creates_dispute_posts_vouchers_and_downloads_export(page, login, screenshot, books):
    preparer = UserFactory(roles=["finance"], full_name="吴芳")
    reviewer = UserFactory(roles=["finance"], full_name="郑洁")
    batch = MaterialBatchFactory(unit_price=Decimal("4850.50"), batch_number="BG-2608-A17")

    login(page, preparer)
    page.goto(f"{page.base_url}/accounting/disputes/new/")
    assert page.locator("h1").inner_text() == "新建质量异议"
    page.select_option("#id_node", "after_issue")
    page.select_option("#id_outcome", "return")
    page.select_option("#id_invoice_status", "invoiced_deducted")
    page.fill("#id_booking_date", "2026-11-20")
    page.fill("#id_red_form_date", "2026-11-24")
    choose(page, "material_batch", "BG-2608")
    page.fill("#id_source_reference", "KS-2026-0042")
    page.fill("#id_unit_price", "1850")
    page.fill("#id_affected_quantity", "3")
    page.locator("#id_affected_quantity").blur()
    page.wait_for_selector("#preview-ok")
    # the typed price is shown replaced by the batch's, with the reason
    assert "1,850.00" in page.locator("#preview-price-replaced").inner_text()
    preview = page.locator("#preview").inner_text()
    # 3 × 4,850.50 = 14,551.50 ; VAT 13% = 1,891.70 (1,891.695 half-up) ; N+T = 16,443.20
    assert "-14,551.50" in preview and "1,891.70" in preview and "-16,443.20" in preview
    assert "BG-2608-A17" in page.locator("#preview-price-replaced").inner_text()
    screenshot(page, "accounting-dispute-form-preview")

    page.fill("#id_affected_quantity", "")
    page.locator("#id_affected_quantity").blur()
    page.wait_for_selector("#preview-error")
    error = page.locator("#preview-error").inner_text()
    assert "异议数量" in error and "affected_quantity" not in error  # the label, not the key
    screenshot(page, "accounting-dispute-form-refused")
    page.fill("#id_affected_quantity", "3")
    page.click("#save-dispute")
    page.wait_for_selector("text=已保存")
    screenshot(page, "accounting-dispute-detail-drafts")

    page.context.clear_cookies()  # the colleague signs in: no one reviews their own voucher
    login(page, reviewer)
    page.goto(f"{page.base_url}/accounting/disputes/")
    page.click("text=QD-")
    page.click("#review-all")
    page.wait_for_selector("text=已处理 2 张凭证")
    page.once("dialog", lambda dialog: dialog.accept())  # posting asks first
    page.click("#post-all")
    page.wait_for_selector("text=已处理 2 张凭证")
    assert sorted(Voucher.objects.values_list("number", flat=True)) == [1, 2]
    screenshot(page, "accounting-dispute-detail-posted")

    page.click("text=记-0002")
    assert page.locator("#balanced").inner_text() == "借贷平衡"
    assert page.locator("#total-debit").inner_text() == "-14,551.50"
    assert "KS-2026-0042" in page.locator("#voucher-source").inner_text()
    screenshot(page, "accounting-voucher-page")

    page.click("#btn-reverse")
    page.wait_for_selector("text=已生成红字冲销凭证")
    assert page.locator("#total-debit").inner_text() == "14,551.50"  # red of a red: positive
    assert "记-0002" in page.locator("#voucher-source").inner_text()
    screenshot(page, "accounting-voucher-reversal")

    page.goto(f"{page.base_url}/accounting/vouchers/")
    screenshot(page, "accounting-voucher-list")
    page.goto(f"{page.base_url}/accounting/disputes/")
    screenshot(page, "accounting-dispute-list")

    page.goto(f"{page.base_url}/accounting/exports/")
    page.select_option("#id_layout", "generic")
    page.select_option("#id_file_format", "csv")
    page.click("#start-export")
    page.wait_for_selector(".export-download")
    screenshot(page, "accounting-exports")
    with page.expect_download() as info:
        page.click(".export-download")
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode())))
    assert [r[5] for r in rows[1:]] == ["5001", "1403", "1403", "222103", "2202"]
    assert rows[4][8] == "1891.70" and rows[1][13:16] == ["吴芳", "郑洁", "郑洁"]
    assert rows[5][11] == batch.supplier.name and rows[1][11] == ""  # the supplier on 2202 only

    page.goto(f"{page.base_url}/accounting/periods/")
    screenshot(page, "accounting-periods")
    page.click("text=科目余额表")
    page.wait_for_selector("#balance-table")
    assert "完全一致" in page.locator("#export-check").inner_text()
    screenshot(page, "accounting-month-end-balances")


def test_a_lost_suit_waits_for_evidence_and_shows_it(page, login, screenshot, books, tmp_path):
    preparer = UserFactory(roles=["finance"], full_name="吴芳")
    dispute = make_dispute(
        preparer,
        node="litigation",
        outcome="litigation_lost_prepayment",
        prepaid_balance=Decimal("200000"),
        costs=None,
        judgment_date=datetime.date(2026, 11, 18),
        source_reference="(2026)黑06民初123号",
    )
    services.dispute_generate_vouchers(dispute=dispute, by=preparer)
    login(page, preparer)
    page.goto(f"{page.base_url}/accounting/disputes/{dispute.pk}/")
    assert page.locator("#pending-3").is_visible()
    judgment = tmp_path / "判决书.pdf"
    judgment.write_bytes(b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n")
    page.select_option("#id_kind", "judgment")
    page.set_input_files("#id_file", str(judgment))
    page.click("#evidence-form button")
    page.wait_for_selector("text=证据材料已上传")
    assert "判决书.pdf" in page.locator("#evidence").inner_text()
    screenshot(page, "accounting-dispute-evidence")
    page.goto(f"{page.base_url}/accounting/vouchers/{dispute.vouchers.first().pk}/")
    assert page.locator("#review-not-yours").is_visible()
    screenshot(page, "accounting-voucher-preparer")


def test_choosing_the_customer_offers_its_shipments(page, login, books):
    ShipmentFactory(customer__name="长庆油田钻采公司", lot_number="LOT-CQ-01")
    ShipmentFactory(customer__name="大庆石化有限公司", lot_number="LOT-DQ-01")
    login(page, UserFactory(roles=["finance"]))
    page.goto(f"{page.base_url}/accounting/disputes/new/")
    page.wait_for_load_state("networkidle")  # the preview loaded with the page
    assert page.locator("#id_shipment option").count() == 1  # no customer yet: no shipments
    previews = []
    page.on("request", lambda r: previews.append(r.url) if "/disputes/preview/" in r.url else None)
    page.locator("#id_customer-ts-control").locator("xpath=..").click()
    page.keyboard.type("公司", delay=20)  # typing chooses nothing: no preview to redo
    page.wait_for_timeout(900)
    assert previews == []
    page.keyboard.press("Escape")
    choose(page, "customer", "长庆")
    options = offered(page, "shipment")
    assert len(options) == 1 and "LOT-CQ-01" in options[0]


def test_a_preview_after_the_session_ended_shows_the_banner_not_the_login_page(page, login, books):
    finance = UserFactory(roles=["finance"])
    login(page, finance)
    page.goto(f"{page.base_url}/accounting/disputes/new/")
    page.wait_for_load_state("networkidle")
    # The session is gone (expired, or ended by an administrator); the CSRF cookie stays.
    kept = [c for c in page.context.cookies() if c["name"] != "sessionid"]
    page.context.clear_cookies()
    page.context.add_cookies(kept)
    page.select_option("#id_node", "litigation")  # the preview asks the server again
    page.wait_for_selector("#session-ended", state="visible", timeout=5000)
    assert page.locator("#preview #id_username").count() == 0  # no login form in the card
    assert page.locator("#dispute-form").is_visible()
