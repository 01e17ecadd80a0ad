"""Exports read back column by column: generic CSV (UTF-8 BOM) and XLSX, Kingdee K/3 WISE, Yonyou U8."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounting import services
from accounting.exports import KINGDEE, U8, write_csv
from accounting.models import ExportJob, Period, VoucherLine
from accounts.roles import Role
from apperrors.exceptions import Forbidden
from tests.factories import CustomerFactory, SupplierFactory, UserFactory

from .factories import finance_pair, make_dispute, posted_vouchers

pytestmark = pytest.mark.django_db

# As docs/accounting.md#exports lists them.
KINGDEE_HEADERS = (  # noqa: SIM905
    "凭证日期 会计年度 会计期间 凭证字 凭证号 科目代码 科目名称 币别代码 币别名称 原币金额 借方 贷方 制单 "
    "审核 核准 出纳 经办 结算方式 结算号 凭证摘要 数量 数量单位 单价 参考信息 业务日期 往来业务编号 "
    "附件数 序号 系统模块 "
    "业务描述 汇率类型 汇率 分录序号 核算项目 过账 机制凭证 现金流量"
).split()
U8_HEADERS = (  # noqa: SIM905
    "会计期间 凭证类别字 凭证类别排序号 凭证编号 行号 制单日期 附单据数 制单人 审核人 记账人 记账标志 出纳人 "
    "凭证标志 凭证头自定义项1 凭证头自定义项2 摘要 科目编码 币种 借方金额 贷方金额 外币借方金额 外币贷方金额 "
    "汇率 数量借方 数量贷方 结算方式编码 票号 票号发生日期 部门编码 职员编码 客户编码 供应商编码 项目编码"
).split()


@pytest.fixture
def books():
    preparer, reviewer = finance_pair()
    preparer.full_name, reviewer.full_name = "吴芳", "郑洁"
    preparer.save()
    reviewer.save()
    customer = CustomerFactory(name="大庆油田工程有限公司")
    # a sales return: V1 1122/6001/222102, V2 6401/1405 — with red-letter (negative) lines
    dispute = make_dispute(
        preparer,
        node="after_sale",
        outcome="return",
        invoice_status="invoiced",
        affected_quantity=Decimal("5"),
        unit_price=Decimal("8000"),
        unit_cost=Decimal("5500"),
        customer=customer,
        source_reference="KS-0042",
        costs=None,
    )
    posted_vouchers(dispute, preparer, reviewer)
    draft = make_dispute(preparer, booking_date=datetime.date(2026, 11, 25))
    services.dispute_generate_vouchers(dispute=draft, by=preparer)  # a draft: excluded by state filter
    return {"preparer": preparer, "reviewer": reviewer, "dispute": dispute}


@pytest.fixture
def export(django_capture_on_commit_callbacks):
    """Request an export; the task queued after commit runs at once."""

    def run(user, layout, file_format, **filters):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.export_request(by=user, layout=layout, file_format=file_format, **filters)
        job.refresh_from_db()
        assert job.status == ExportJob.Status.DONE, job.error
        return job

    return run


def _csv_rows(job):
    raw = job.file.open("rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, so Excel shows Chinese
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))


def test_generic_csv_reads_back_column_by_column(export, books):
    period = Period.objects.get(year=2026, month=11)
    job = export(books["preparer"], "generic", "csv", period=period)
    rows = _csv_rows(job)
    assert rows[0] == [
        "日期",
        "会计期间",
        "凭证字号",
        "分录号",
        "摘要",
        "科目代码",
        "科目名称",
        "借方金额",
        "贷方金额",
        "数量",
        "单价",
        "往来单位",
        "来源单据",
        "制单人",
        "审核人",
        "过账人",
        "附件数",
        "状态",
    ]
    number = f"QD-{books['dispute'].pk:05d} / KS-0042"
    first = rows[1]
    assert first[:4] == ["2026-11-20", "2026-11", "记-0001", "1"]
    assert first[5:9] == ["1122", "应收账款", "-45200.00", ""]
    assert first[11:] == ["大庆油田工程有限公司", number, "吴芳", "郑洁", "郑洁", "0", "已过账"]
    # the counterparty follows the account: the customer on 1122 only, nobody on revenue or stock
    assert [r[11] for r in rows[1:]] == ["大庆油田工程有限公司", "", "", "", ""]
    assert [r[5] for r in rows[1:]] == ["1122", "6001", "222102", "6401", "1405"]
    assert [r[8] for r in rows[1:]] == ["", "-40000.00", "-5200.00", "", "-27500.00"]
    assert rows[5][2] == "记-0002" and rows[5][9:11] == ["-5.000", "5500.0000"]
    assert job.done_rows == 5 and job.progress == 100


def test_generic_xlsx_reads_back(export, books):
    job = export(books["preparer"], "generic", "xlsx")
    ws = load_workbook(job.file.open("rb"), read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("日期", "会计期间", "凭证字号")
    assert rows[1][5] == "1122" and Decimal(str(rows[1][7])) == Decimal("-45200.00")
    assert len(rows) == 6


def test_kingdee_layout_has_its_37_columns(export, books):
    job = export(books["preparer"], "kingdee", "xlsx")
    rows = list(load_workbook(job.file.open("rb"), read_only=True).active.iter_rows(values_only=True))
    assert [c.header for c in KINGDEE] == KINGDEE_HEADERS and len(KINGDEE_HEADERS) == 37
    assert list(rows[0]) == KINGDEE_HEADERS
    row = dict(zip(KINGDEE_HEADERS, rows[2], strict=True))  # 6001 line, credit side, red-letter
    assert (row["会计年度"], row["会计期间"], row["凭证字"], row["凭证号"]) == (2026, 11, "记", 1)
    assert row["科目代码"] == "6001" and row["币别代码"] == "RMB"
    assert Decimal(str(row["贷方"])) == Decimal("-40000") and Decimal(str(row["借方"])) == 0
    assert row["制单"] == "吴芳" and row["审核"] == "郑洁" and row["过账"] == 1 and row["分录序号"] == 2


def test_u8_layout_has_its_first_33_columns_and_negative_red_lines(export, books):
    job = export(books["preparer"], "u8", "csv")
    rows = _csv_rows(job)
    assert [c.header for c in U8] == U8_HEADERS and rows[0] == U8_HEADERS
    row = dict(zip(U8_HEADERS, rows[1], strict=True))
    assert (row["会计期间"], row["凭证类别字"], row["凭证编号"], row["行号"]) == ("11", "记", "1", "1")
    assert row["科目编码"] == "1122" and row["借方金额"] == "-45200.00" and row["贷方金额"] == "0"
    assert row["记账人"] == "郑洁" and row["记账标志"] == "1"
    assert row["客户编码"] == books["dispute"].customer.code and row["供应商编码"] == ""
    cost = dict(zip(U8_HEADERS, rows[5], strict=True))  # 1405 credit, -5 units back in stock
    assert (cost["数量借方"], cost["数量贷方"], cost["客户编码"]) == ("", "-5.000", "")


def test_drafts_are_never_exported_and_the_date_range_filters(export, books):
    job = export(books["preparer"], "generic", "csv", date_from=datetime.date(2026, 11, 21))
    assert len(_csv_rows(job)) == 1  # only the draft lies in that range: the header alone
    job = export(books["preparer"], "generic", "csv", include_reviewed=True)
    rows = _csv_rows(job)
    assert len(rows) == 6 and all(r[2] for r in rows[1:])  # the five posted lines, all numbered


def test_reviewed_vouchers_only_when_asked_and_marked_in_every_layout(export, books):
    draft = books["dispute"].__class__.objects.exclude(pk=books["dispute"].pk).get()
    voucher = draft.vouchers.get()
    services.voucher_review(voucher=voucher, by=books["reviewer"])
    assert len(_csv_rows(export(books["preparer"], "generic", "csv"))) == 6  # not asked: posted only
    rows = _csv_rows(export(books["preparer"], "generic", "csv", include_reviewed=True))
    assert len(rows) == 8
    reviewed = [r for r in rows[1:] if r[17] == "已审核未过账"]
    assert len(reviewed) == 2 and {r[2] for r in reviewed} == {""} and {r[15] for r in reviewed} == {""}
    assert {r[17] for r in rows[1:6]} == {"已过账"}
    kingdee = _csv_rows(export(books["preparer"], "kingdee", "csv", include_reviewed=True))
    assert [r[KINGDEE_HEADERS.index("过账")] for r in kingdee[1:]] == ["1"] * 5 + ["0"] * 2
    u8 = _csv_rows(export(books["preparer"], "u8", "csv", include_reviewed=True))
    assert [r[U8_HEADERS.index("记账标志")] for r in u8[1:]] == ["1"] * 5 + ["0"] * 2
    job = export(books["preparer"], "u8", "xlsx", include_reviewed=True)
    assert "with-reviewed" in job.file.name and job.state_label == "已过账及已审核(未过账)"


def test_only_finance_exports(export, books, make_user):
    with pytest.raises(Forbidden):
        services.export_request(by=make_user(Role.QC), layout="generic", file_format="csv")


def test_download_is_streamed_to_finance_only(export, books, client, make_user):
    job = export(books["preparer"], "generic", "csv")
    client.force_login(make_user(Role.QC))
    assert client.get(reverse("accounting:export_download", args=[job.pk])).status_code == 403
    client.force_login(books["reviewer"])
    response = client.get(reverse("accounting:export_download", args=[job.pk]))
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbf")


@pytest.mark.postgres
@pytest.mark.parametrize("layout", ["generic", "kingdee", "u8"])
def test_copy_path_gives_the_same_bytes_as_the_python_path(export, books, layout):
    # Text that needs quoting, a supplier with no customer, a user known by username only.
    odd = UserFactory(roles=["finance"], full_name="", first_name="", last_name="", username="fin_odd")
    dispute = make_dispute(
        odd, source_reference='合同 "A-7", 第2版\n补充', supplier=SupplierFactory(name="供方, 有限")
    )
    posted_vouchers(dispute, odd, books["reviewer"])
    fast, slow = io.BytesIO(), io.BytesIO()
    write_csv(fast, layout, {}, use_copy=True)
    write_csv(slow, layout, {}, use_copy=False)
    assert fast.getvalue() == slow.getvalue()
    rows = list(csv.reader(io.StringIO(fast.getvalue().decode("utf-8-sig"))))
    assert len(rows) == 1 + VoucherLine.objects.filter(voucher__state="posted").count()  # header + posted
    assert any('合同 "A-7", 第2版\n补充' in cell for row in rows for cell in row)


@pytest.mark.postgres
@pytest.mark.parametrize("layout", ["generic", "kingdee", "u8"])
def test_copy_path_filters_and_orders_like_the_python_path(books, layout):
    preparer, reviewer = books["preparer"], books["reviewer"]
    draft = books["dispute"].__class__.objects.exclude(pk=books["dispute"].pk).get()
    # a reviewed voucher (unnumbered: after the numbered ones), and a second month
    services.voucher_review(voucher=draft.vouchers.get(), by=reviewer)
    posted_vouchers(make_dispute(preparer, booking_date=datetime.date(2026, 10, 15)), preparer, reviewer)
    november = Period.objects.get(year=2026, month=11)
    for filters in (
        {},
        {"include_reviewed": True},
        {"period": november, "include_reviewed": True},
        {"date_from": datetime.date(2026, 11, 1)},
        {"date_to": datetime.date(2026, 10, 31), "include_reviewed": True},
    ):
        fast, slow = io.BytesIO(), io.BytesIO()
        count = write_csv(fast, layout, filters, use_copy=True)
        assert count == write_csv(slow, layout, filters, use_copy=False)
        assert fast.getvalue() == slow.getvalue(), filters
        assert fast.getvalue().count(b"\n") > 1, filters  # lines, not the header alone
