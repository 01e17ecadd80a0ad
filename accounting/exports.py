"""Journal exports: each layout defined once, written as streaming CSV (UTF-8 with BOM) or XLSX.

Rows are read with a server-side cursor in chunks and written straight to a file, so memory
stays flat however many lines. On PostgreSQL every CSV layout is produced by COPY (the same
columns, formatted in SQL; a test checks both paths give identical bytes for each layout).

Only posted vouchers are exported, and reviewed ones when finance asks (marked as not posted in
every layout); drafts never. A text cell a spreadsheet would run as a formula (it begins with
= + - @, a tab or a carriage return) gets a leading single quote, as OWASP advises against CSV
injection, in Python and in SQL alike; numbers stay numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.db import connection, transaction
from django.db.models import F, QuerySet
from openpyxl import Workbook

from .chart import COUNTERPARTY_ACCOUNTS
from .models import Voucher, VoucherLine

BOM = "\ufeff".encode()
CHUNK = 5000

# The fields read per journal line (one query, joined).
FIELDS = (
    "voucher__date",
    "voucher__period__year",
    "voucher__period__month",
    "voucher__word",
    "voucher__number",
    "line_no",
    "summary",
    "account_code",
    "account_name",
    "account__code",
    "side",
    "amount",
    "quantity",
    "unit_price",
    "voucher__dispute_id",
    "voucher__dispute__source_reference",
    "voucher__dispute__ticket__number",
    "voucher__dispute__customer__name",
    "voucher__dispute__customer__code",
    "voucher__dispute__supplier__name",
    "voucher__dispute__supplier__code",
    "voucher__created_by__full_name",
    "voucher__created_by__first_name",
    "voucher__created_by__last_name",
    "voucher__created_by__username",
    "voucher__reviewed_by__full_name",
    "voucher__reviewed_by__first_name",
    "voucher__reviewed_by__last_name",
    "voucher__reviewed_by__username",
    "voucher__posted_by__full_name",
    "voucher__posted_by__first_name",
    "voucher__posted_by__last_name",
    "voucher__posted_by__username",
    "voucher__attachments",
    "voucher__state",
)
_IDX = {name: i for i, name in enumerate(FIELDS)}

# The generic layout's 状态 column (Kingdee 过账 and U8 记账标志 are those layouts' own flags).
POSTED_LABEL = "已过账"
REVIEWED_LABEL = "已审核未过账"

# OWASP (CSV injection): a cell beginning with one of these runs as a formula in a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, made inert by a leading single quote.
    Only text: numbers (negative red-letter amounts too) stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _sql_char(ch: str) -> str:
    return {"\t": "E'\\t'", "\r": "E'\\r'"}.get(ch, f"'{ch}'")


_STARTS_SQL = ", ".join(_sql_char(ch) for ch in FORMULA_STARTS)


_CODES_SQL = ", ".join(str(ord(ch)) for ch in FORMULA_STARTS)


def neutralise_sql(expr: str, *, by_code: bool = False) -> str:
    """`neutralise` in SQL, for the COPY path (NULL stays NULL).

    by_code tests the first character's code with ascii(), which copies nothing where left()
    makes a new text for every cell; use it only where ascii() reads any first character (UTF8
    and single-byte server encodings: the other multibyte ones refuse a non-ASCII one)."""
    if by_code:
        return f"(CASE WHEN ascii({expr}) IN ({_CODES_SQL}) THEN '''' || {expr} ELSE {expr} END)"
    return f"(CASE WHEN left({expr}, 1) IN ({_STARTS_SQL}) THEN '''' || {expr} ELSE {expr} END)"


class Row:
    """One journal line as the layouts see it."""

    __slots__ = ("v",)

    def __init__(self, values: tuple):
        self.v = values

    def __getattr__(self, name: str) -> Any:
        return self.v[_IDX[name]]

    def person(self, role: str) -> str:
        full, first, last, username = (
            self.v[_IDX[f"voucher__{role}_by__{f}"]]
            for f in ("full_name", "first_name", "last_name", "username")
        )
        if username is None:
            return ""
        return full or f"{first} {last}".strip() or username

    @property
    def voucher_no(self) -> str:
        n = self.v[_IDX["voucher__number"]]
        return f"{self.voucher__word}-{n:04d}" if n is not None else ""

    @property
    def period(self) -> str:
        return f"{self.voucher__period__year}-{self.voucher__period__month:02d}"

    @property
    def document(self) -> str:
        """The source document: the linked complaint ticket's number, else the typed reference."""
        return self.voucher__dispute__ticket__number or self.voucher__dispute__source_reference or ""

    @property
    def source(self) -> str:
        pk = self.voucher__dispute_id
        if pk is None:
            return ""
        ref = self.document
        return f"QD-{pk:05d}" + (f" / {ref}" if ref else "")

    def _party(self, kind: str, field: str) -> str:
        if COUNTERPARTY_ACCOUNTS.get(self.account__code) != kind:
            return ""
        return self.v[_IDX[f"voucher__dispute__{kind}__{field}"]] or ""

    @property
    def counterparty(self) -> str:
        """Follows the line's account: the supplier on supplier accounts (应付, 预付, 质量索赔,
        保证金), the customer on customer accounts (应收, 赔付款), nobody on the others."""
        return self._party("supplier", "name") or self._party("customer", "name")

    def party_code(self, kind: str) -> str:
        return self._party(kind, "code")

    def debit(self, blank: Any = None) -> Decimal | Any:
        return self.amount if self.side == "debit" else blank

    def credit(self, blank: Any = None) -> Decimal | Any:
        return self.amount if self.side == "credit" else blank

    def quantity_on(self, side: str) -> Decimal | None:
        return self.quantity if self.side == side else None

    @property
    def posted(self) -> bool:
        return self.voucher__state == Voucher.State.POSTED

    @property
    def state_label(self) -> str:
        return POSTED_LABEL if self.posted else REVIEWED_LABEL


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Row], Any]
    sql: str  # the same value formatted by PostgreSQL, for the COPY path (see copy_sql)
    text: bool = False  # free text: neutralised against formulas, in both paths

    def __post_init__(self) -> None:
        # Neutralising repeats its argument three times: give it a value computed once per
        # voucher (vv.) or per line (l.), not an expression PostgreSQL would evaluate thrice.
        if self.text and not _REFERENCE.fullmatch(self.sql):
            raise ValueError(f"{self.header}: a text column selects a VOUCHER_SQL or LINE_SQL value")

    def cell(self, row: Row) -> Any:
        value = self.value(row)
        return neutralise(value) if self.text else value

    def select(self, *, by_code: bool = False) -> str:
        return neutralise_sql(self.sql, by_code=by_code) if self.text else self.sql


_REFERENCE = re.compile(r"(vv|l)\.\w+")


def _person_sql(a: str) -> str:
    full = f"NULLIF(btrim({a}.first_name || ' ' || {a}.last_name), '')"
    return f"COALESCE(NULLIF({a}.full_name, ''), {full}, {a}.username)"


def _pad_sql(expr: str, width: int) -> str:
    return f"(CASE WHEN {expr} >= 1{'0' * width} THEN {expr}::text ELSE lpad({expr}::text, {width}, '0') END)"


def _accounts_sql(kind: str) -> str:
    codes = ", ".join(f"'{code}'" for code, k in sorted(COUNTERPARTY_ACCOUNTS.items()) if k == kind)
    return f"a.code IN ({codes})"


def _party_sql(kind: str, field: str) -> str:
    return f"CASE WHEN {_accounts_sql(kind)} THEN vv.{kind}_{field} END"


# The same values in SQL, for the COPY path, on two levels so that each is computed once: a
# voucher's (its period, dispute, people; over v p d t c s uc ur up) once per voucher in the
# subquery `vv`, a line's (over l, its account a, and vv) once per line in the subquery `l`.
# The columns select them as vv.<name> and l.<name> (vv also has the voucher's sort key: id,
# year, month, word, number). COPY writes NULL as an empty field and '' as "", where Python's
# csv writes both as empty: empty texts are turned into NULL.
_DOCUMENT = "COALESCE(NULLIF(t.number, ''), NULLIF(d.source_reference, ''))"
VOUCHER_SQL = {
    "date": "to_char(v.date, 'YYYY-MM-DD')",
    "period": "p.year || '-' || lpad(p.month::text, 2, '0')",
    "voucher_no": f"v.word || '-' || {_pad_sql('v.number', 4)}",
    "voucher_word": "NULLIF(v.word, '')",
    "attachments": "v.attachments",
    "document": _DOCUMENT,
    "source": (
        f"CASE WHEN d.id IS NOT NULL"
        f" THEN 'QD-' || {_pad_sql('d.id', 5)} || COALESCE(' / ' || {_DOCUMENT}, '') END"
    ),
    "created_by": _person_sql("uc"),
    "reviewed_by": _person_sql("ur"),
    "posted_by": _person_sql("up"),
    "posted": "CASE WHEN v.state = 'posted' THEN 1 ELSE 0 END",
    "state_label": f"CASE WHEN v.state = 'posted' THEN '{POSTED_LABEL}' ELSE '{REVIEWED_LABEL}' END",
    "supplier_name": "NULLIF(s.name, '')",
    "supplier_code": "NULLIF(s.code, '')",
    "customer_name": "NULLIF(c.name, '')",
    "customer_code": "NULLIF(c.code, '')",
}
LINE_SQL = {
    "line_no": "l.line_no",
    "summary": "NULLIF(l.summary, '')",
    "account_code": "l.account_code",
    "account_code_or_null": "NULLIF(l.account_code, '')",
    "account_name": "l.account_name",
    "account_name_or_null": "NULLIF(l.account_name, '')",
    "side": "l.side",
    "amount": "l.amount",
    "quantity": "l.quantity",
    "unit_price": "l.unit_price",
    "counterparty": f"COALESCE({_party_sql('supplier', 'name')}, {_party_sql('customer', 'name')})",
    "customer_code": _party_sql("customer", "code"),
    "supplier_code": _party_sql("supplier", "code"),
}
_EMPTY = "NULL"


def _side_sql(side: str, otherwise: str = "NULL", value: str = "l.amount") -> str:
    return f"CASE WHEN l.side = '{side}' THEN {value} ELSE {otherwise} END"


# ------------------------------------------------------------------ the layouts (docs/accounting.md#exports)

GENERIC = [
    Column("日期", lambda r: r.voucher__date.isoformat(), "vv.date"),
    Column("会计期间", lambda r: r.period, "vv.period"),
    Column("凭证字号", lambda r: r.voucher_no, "vv.voucher_no", True),
    Column("分录号", lambda r: r.line_no, "l.line_no"),
    Column("摘要", lambda r: r.summary, "l.summary", True),
    Column("科目代码", lambda r: r.account_code, "l.account_code", True),
    Column("科目名称", lambda r: r.account_name, "l.account_name", True),
    Column("借方金额", lambda r: r.debit(), _side_sql("debit")),
    Column("贷方金额", lambda r: r.credit(), _side_sql("credit")),
    Column("数量", lambda r: r.quantity, "l.quantity"),
    Column("单价", lambda r: r.unit_price, "l.unit_price"),
    Column("往来单位", lambda r: r.counterparty, "l.counterparty", True),
    Column("来源单据", lambda r: r.source, "vv.source", True),
    Column("制单人", lambda r: r.person("created"), "vv.created_by", True),
    Column("审核人", lambda r: r.person("reviewed"), "vv.reviewed_by", True),
    Column("过账人", lambda r: r.person("posted"), "vv.posted_by", True),
    Column("附件数", lambda r: r.voucher__attachments, "vv.attachments"),
    Column("状态", lambda r: r.state_label, "vv.state_label"),
]

# Kingdee K/3 WISE voucher import, 37 columns in the template's order.
KINGDEE = [
    Column("凭证日期", lambda r: r.voucher__date, "vv.date"),
    Column("会计年度", lambda r: r.voucher__period__year, "vv.year"),
    Column("会计期间", lambda r: r.voucher__period__month, "vv.month"),
    Column("凭证字", lambda r: r.voucher__word, "vv.voucher_word", True),
    Column("凭证号", lambda r: r.voucher__number, "vv.number"),
    Column("科目代码", lambda r: r.account_code, "l.account_code_or_null", True),
    Column("科目名称", lambda r: r.account_name, "l.account_name_or_null", True),
    Column("币别代码", lambda r: "RMB", "'RMB'"),
    Column("币别名称", lambda r: "人民币", "'人民币'"),
    Column("原币金额", lambda r: r.amount, "l.amount"),
    Column("借方", lambda r: r.debit(Decimal("0")), _side_sql("debit", "0")),
    Column("贷方", lambda r: r.credit(Decimal("0")), _side_sql("credit", "0")),
    Column("制单", lambda r: r.person("created"), "vv.created_by", True),
    Column("审核", lambda r: r.person("reviewed"), "vv.reviewed_by", True),
    Column("核准", lambda r: "", _EMPTY),
    Column("出纳", lambda r: "", _EMPTY),
    Column("经办", lambda r: "", _EMPTY),
    Column("结算方式", lambda r: "", _EMPTY),
    Column("结算号", lambda r: "", _EMPTY),
    Column("凭证摘要", lambda r: r.summary, "l.summary", True),
    Column("数量", lambda r: r.quantity, "l.quantity"),
    Column("数量单位", lambda r: "", _EMPTY),
    Column("单价", lambda r: r.unit_price, "l.unit_price"),
    Column("参考信息", lambda r: r.source, "vv.source", True),
    Column("业务日期", lambda r: r.voucher__date, "vv.date"),
    Column("往来业务编号", lambda r: r.document, "vv.document", True),
    Column("附件数", lambda r: r.voucher__attachments, "vv.attachments"),
    Column("序号", lambda r: r.voucher__number, "vv.number"),
    Column("系统模块", lambda r: "", _EMPTY),
    Column("业务描述", lambda r: r.source, "vv.source", True),
    Column("汇率类型", lambda r: "公司汇率", "'公司汇率'"),
    Column("汇率", lambda r: 1, "1"),
    Column("分录序号", lambda r: r.line_no, "l.line_no"),
    Column("核算项目", lambda r: r.counterparty, "l.counterparty", True),
    Column("过账", lambda r: 1 if r.posted else 0, "vv.posted"),
    Column("机制凭证", lambda r: "", _EMPTY),
    Column("现金流量", lambda r: "", _EMPTY),
]

# Yonyou U8 voucher import: the first 33 of its 72 columns (the rest stay empty), up to the
# per-line customer and supplier codes. Red lines negative; 记账标志 0 marks a voucher not posted.
U8 = [
    Column("会计期间", lambda r: r.voucher__period__month, "vv.month"),
    Column("凭证类别字", lambda r: r.voucher__word, "vv.voucher_word", True),
    Column("凭证类别排序号", lambda r: 1, "1"),
    Column("凭证编号", lambda r: r.voucher__number, "vv.number"),
    Column("行号", lambda r: r.line_no, "l.line_no"),
    Column("制单日期", lambda r: r.voucher__date, "vv.date"),
    Column("附单据数", lambda r: r.voucher__attachments, "vv.attachments"),
    Column("制单人", lambda r: r.person("created"), "vv.created_by", True),
    Column("审核人", lambda r: r.person("reviewed"), "vv.reviewed_by", True),
    Column("记账人", lambda r: r.person("posted"), "vv.posted_by", True),
    Column("记账标志", lambda r: 1 if r.posted else 0, "vv.posted"),
    Column("出纳人", lambda r: "", _EMPTY),
    Column("凭证标志", lambda r: "", _EMPTY),
    Column("凭证头自定义项1", lambda r: r.source, "vv.source", True),
    Column("凭证头自定义项2", lambda r: r.counterparty, "l.counterparty", True),
    Column("摘要", lambda r: r.summary, "l.summary", True),
    Column("科目编码", lambda r: r.account_code, "l.account_code_or_null", True),
    Column("币种", lambda r: "", _EMPTY),
    Column("借方金额", lambda r: r.debit(Decimal("0")), _side_sql("debit", "0")),
    Column("贷方金额", lambda r: r.credit(Decimal("0")), _side_sql("credit", "0")),
    Column("外币借方金额", lambda r: Decimal("0"), "0"),
    Column("外币贷方金额", lambda r: Decimal("0"), "0"),
    Column("汇率", lambda r: "", _EMPTY),
    Column("数量借方", lambda r: r.quantity_on("debit"), _side_sql("debit", value="l.quantity")),
    Column("数量贷方", lambda r: r.quantity_on("credit"), _side_sql("credit", value="l.quantity")),
    Column("结算方式编码", lambda r: "", _EMPTY),
    Column("票号", lambda r: "", _EMPTY),
    Column("票号发生日期", lambda r: "", _EMPTY),
    Column("部门编码", lambda r: "", _EMPTY),
    Column("职员编码", lambda r: "", _EMPTY),
    Column("客户编码", lambda r: r.party_code("customer"), "l.customer_code", True),
    Column("供应商编码", lambda r: r.party_code("supplier"), "l.supplier_code", True),
    Column("项目编码", lambda r: "", _EMPTY),
]

LAYOUTS: dict[str, list[Column]] = {"generic": GENERIC, "kingdee": KINGDEE, "u8": U8}


# ------------------------------------------------------------------ selecting lines

EXPORTED_STATES = (Voucher.State.POSTED,)
WITH_REVIEWED = (Voucher.State.POSTED, Voucher.State.REVIEWED)


def _states(include_reviewed: bool) -> list[str]:
    return [str(s) for s in (WITH_REVIEWED if include_reviewed else EXPORTED_STATES)]


def journal_lines(
    *, period=None, date_from=None, date_to=None, include_reviewed: bool = False
) -> QuerySet[VoucherLine]:
    """The lines an export carries: posted vouchers, and reviewed ones only when asked; never drafts."""
    qs = VoucherLine.objects.filter(voucher__state__in=_states(include_reviewed))
    if period is not None:
        qs = qs.filter(voucher__period=period)
    if date_from:
        qs = qs.filter(voucher__date__gte=date_from)
    if date_to:
        qs = qs.filter(voucher__date__lte=date_to)
    return qs.order_by(
        "voucher__period__year",
        "voucher__period__month",
        "voucher__word",
        F("voucher__number").asc(nulls_last=True),  # unnumbered (reviewed) last, as COPY sorts
        "voucher_id",
        "line_no",
    )


def iter_rows(qs: QuerySet[VoucherLine]) -> Iterator[Row]:
    for values in qs.values_list(*FIELDS).iterator(chunk_size=CHUNK):
        yield Row(values)


# ------------------------------------------------------------------ writers


def _field(value: Any) -> str:
    """One CSV field as PostgreSQL's COPY (FORMAT csv) writes it: quoted when it holds a comma,
    a quote, a carriage return or a line feed (Python's csv module leaves a lone CR unquoted)."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if text == "\\." or any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _line(cells) -> str:
    return ",".join(_field(cell) for cell in cells) + "\n"


def write_csv(out: IO[bytes], layout: str, filters: dict, progress=None, *, use_copy: bool = True) -> int:
    """CSV in UTF-8 with a BOM (so Excel shows Chinese); '\\n' line ends like PostgreSQL COPY."""
    columns = LAYOUTS[layout]
    out.write(BOM)
    out.write(_line(c.header for c in columns).encode())
    if use_copy and connection.vendor == "postgresql":
        return _copy(out, layout, filters)
    count = 0
    batch: list[str] = []
    for row in iter_rows(journal_lines(**filters)):
        batch.append(_line(c.cell(row) for c in columns))
        if len(batch) >= CHUNK:
            out.write("".join(batch).encode())
            count += len(batch)
            batch.clear()
            if progress:
                progress(count)
    out.write("".join(batch).encode())
    return count + len(batch)


_VOUCHER_KEY = "p.year, p.month, v.word, v.number NULLS LAST, v.id"  # journal_lines' order


def _used(prefix: str, sql: str) -> set[str]:
    return set(re.findall(rf"\b{prefix}\.(\w+)", sql))


def copy_sql(
    layout: str,
    *,
    period=None,
    date_from=None,
    date_to=None,
    include_reviewed: bool = False,
    by_code: bool = False,
) -> tuple[str, list]:
    """A layout as one SELECT for PostgreSQL's COPY, filtered and ordered like `journal_lines`
    (by_code: see `neutralise_sql`).

    The vouchers are joined to their period, dispute and people, and sorted, on their own (a
    quarter as many rows as lines); each one's lines (with their account) are then read through
    the index on voucher_id, so only a small sort by line number is left for the lines."""
    where, params = ["v.state = ANY(%s)"], [_states(include_reviewed)]
    for condition, value in (
        ("v.period_id = %s", period.pk if period is not None else None),
        ("v.date >= %s", date_from),
        ("v.date <= %s", date_to),
    ):
        if value is not None:
            where.append(condition)
            params.append(value)
    selects = [c.select(by_code=by_code) for c in LAYOUTS[layout]]
    lines = _used("l", " ".join(selects)) | {"line_no"}
    vouchers = _used("vv", " ".join(selects + [LINE_SQL[name] for name in lines]))
    voucher_values = "".join(f", {sql} AS {name}" for name, sql in VOUCHER_SQL.items() if name in vouchers)
    line_values = ", ".join(f"{sql} AS {name}" for name, sql in LINE_SQL.items() if name in lines)
    # Fixed SQL text; every value is a bound parameter. OFFSET 0 keeps each subquery whole, so
    # its values are computed once per voucher and once per line.
    sql = (
        f"SELECT {', '.join(selects)} FROM ("  # noqa: S608
        f"SELECT v.id, p.year, p.month, v.word, v.number{voucher_values}"
        " FROM accounting_voucher v"
        " JOIN accounting_period p ON p.id = v.period_id"
        " LEFT JOIN accounting_qualitydispute d ON d.id = v.dispute_id"
        " LEFT JOIN tickets_ticket t ON t.id = d.ticket_id"
        " LEFT JOIN core_customer c ON c.id = d.customer_id"
        " LEFT JOIN core_supplier s ON s.id = d.supplier_id"
        " LEFT JOIN core_user uc ON uc.id = v.created_by_id"
        " LEFT JOIN core_user ur ON ur.id = v.reviewed_by_id"
        " LEFT JOIN core_user up ON up.id = v.posted_by_id"
        f" WHERE {' AND '.join(where)}"
        f" ORDER BY {_VOUCHER_KEY} OFFSET 0) vv"
        f" CROSS JOIN LATERAL (SELECT {line_values} FROM accounting_voucherline l"
        " JOIN accounting_account a ON a.id = l.account_id"
        " WHERE l.voucher_id = vv.id OFFSET 0) l"
        " ORDER BY vv.year, vv.month, vv.word, vv.number NULLS LAST, vv.id, l.line_no"
    )
    return sql, params


_ASCII_READS_ANY = (
    "SELECT current_setting('server_encoding') = 'UTF8'"
    " OR pg_encoding_max_length(pg_char_to_encoding(current_setting('server_encoding'))) = 1"
)


def _copy(out: IO[bytes], layout: str, filters: dict) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_ASCII_READS_ANY)
        sql, params = copy_sql(layout, **filters, by_code=cursor.fetchone()[0])
        # The nested loop over vouchers is estimated dear enough for PostgreSQL to JIT-compile
        # the query with optimisation and inlining, which takes longer than running it
        # (docs/accounting.md#benchmark).
        cursor.execute("SET LOCAL jit = off")
        query = cursor.mogrify(sql, params)
        query = query.decode() if isinstance(query, bytes) else query
        cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", out)
        return cursor.rowcount


def write_xlsx(out: IO[bytes], layout: str, filters: dict, progress=None) -> int:
    """XLSX with openpyxl's write-only mode: rows stream to disk, memory stays flat. Text cells
    are neutralised like the CSV's (openpyxl would otherwise store "=…" as a live formula)."""
    columns = LAYOUTS[layout]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("凭证")
    ws.append([c.header for c in columns])
    count = 0
    for row in iter_rows(journal_lines(**filters)):
        ws.append([c.cell(row) for c in columns])
        count += 1
        if progress and count % CHUNK == 0:
            progress(count)
    wb.save(out)
    return count


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}
