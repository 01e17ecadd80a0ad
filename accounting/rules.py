"""Quality-dispute voucher rules: a table of line templates plus one pure function.

`generate(data)` turns one dispute input (a mapping, as the JSON preview contract gives it)
into vouchers and lines, in booking order. No database: the company's own account codes
come in through `chart`. docs/voucher-rules.md is this table, generated; a combination the
table does not cover, or one the procedure forbids, is refused with the reason (`DisputeInputError`).

Notation as in docs/voucher-rules.md: q affected quantity, P the batch's unit price excl. VAT,
N = q·P, r VAT rate, T = round_half_up(N·r, 2). A red-letter line is a negative amount on
its usual side.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .chart import DEFAULT_CHART

FEN = Decimal("0.01")
DEBIT, CREDIT = "debit", "credit"

NODES = ("before_issue", "after_issue", "after_sale", "litigation")
OUTCOMES = (
    "return",
    "exchange",
    "allowance",
    "in_kind_compensation",
    "stoppage_loss",
    "indirect_loss_compensation",
    "litigation_costs",
    "litigation_lost_inventory",
    "litigation_lost_prepayment",
)
INVOICE_STATUSES = ("not_invoiced", "invoiced_deducted", "invoiced_not_deducted", "invoiced")
SETTLEMENTS = {"prepaid": "1123", "credit": "2202"}
COST_LOCATIONS = {"raw_material": "1403", "wip": "5001", "finished_goods": "1405", "sold": "6401"}
STOPPAGE_TYPES = {"short_planned": "510101", "long_unplanned": "660201"}
CHOICE_FIELDS = {
    "node": NODES,
    "outcome": OUTCOMES,
    "invoice_status": INVOICE_STATUSES,
    "settlement": tuple(SETTLEMENTS),
    "cost_location": tuple(COST_LOCATIONS),
    "stoppage_type": tuple(STOPPAGE_TYPES),
}
NUMBER_FIELDS = (
    "quantity",
    "affected_quantity",
    "bonus_quantity",
    "unit_price",
    "unit_cost",
    "vat_rate",
    "allowance_amount",
    "allowance_rate",
    "wages",
    "depreciation",
    "supplier_recoverable",
    "compensation_to_customer",
    "supplier_recourse",
    "costs",
    "net_realizable_value",
    "prepaid_balance",
)
# Ways an input may ask to book a bonus at a nominal value; all are refused (procedure §2.4).
NOMINAL_FIELDS = ("nominal", "book_at_nominal", "nominal_value", "nominal_amount")
DEFAULT_VAT_RATE = Decimal("0.13")
MAX_AMOUNT = Decimal("1e14")  # VoucherLine.amount is numeric(16, 2)


def round_half_up(value: Decimal, places: Decimal = FEN) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def vat(amount: Decimal, rate: Decimal) -> Decimal:
    """T = round_half_up(N·r, 2)."""
    return round_half_up(amount * rate)


class DisputeInputError(ValueError):
    """Bad or unsupported input; `field` names the input field at fault (None: the whole input)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict:
        """The API's one error shape (docs/api.md#errors), also printed by the CLI."""
        field = self.field or "__all__"
        return {"code": "invalid", "detail": self.message, "errors": {field: [self.message]}}


# ---------------------------------------------------------------- the rules, as data


@dataclass(frozen=True)
class L:
    """A line template: account (a code, or @settlement / @cost_location / @stoppage),
    side, amount expression ('N', '-N', '+T', '-NT' … a sign and a named amount) and an
    optional quantity expression for inventory lines."""

    account: str
    side: str
    amount: str
    qty: str | None = None


# The business date each voucher is booked on (procedure §2 ties each to an event; finance enters
# them). "booking" is the dispute's booking date; "next_period" the first day of the month after
# it (the red reversal of an estimate); the others name the dispute's own date field. A voucher
# whose date is not entered yet is not generated until it is (e.g. V3 waits for the invoice).
DATE_BASES = {
    "booking": "booking_date",
    "next_period": "booking_date",
    "invoice_date": "invoice_date",  # the supplier's invoice arrives (V3 of an estimate)
    "red_form_date": "red_form_date",  # 红字发票信息表/确认单 raised: the VAT transfer-out month (§2.3)
    "replacement_date": "replacement_date",  # the replacement goods arrive (exchange)
    "agreement_date": "agreement_date",  # the supplier signs the compensation agreement (§2.5)
    "payment_date": "payment_date",  # we pay the customer
    "judgment_date": "judgment_date",  # the judgment or mediation (§2.6)
    "write_off_date": "write_off_date",  # final write-off once the loss evidence is complete
}
DATE_FIELDS = tuple(dict.fromkeys(DATE_BASES.values()))
# Evidence a voucher needs before it may be reviewed or posted (procedure §2.6).
EVIDENCE = "evidence"  # at least one evidence file (the judgment that the suit was lost)
WRITE_OFF = "write_off"  # at least one evidence file and a qualifying condition (1)-(6)


@dataclass(frozen=True)
class V:
    """A voucher template. `when` names an amount that must be > 0 for the voucher to exist;
    `date` names its business date (DATE_BASES); `evidence` what must be on file to post it."""

    summary: str
    lines: tuple[L, ...]
    when: str | None = None
    date: str = "booking"
    evidence: str = ""


_RED_ISSUE = V(
    "车间红字出库单退库，冲减生产成本(退{q}单位)", (L("5001", DEBIT, "-N"), L("1403", CREDIT, "-N", "-q"))
)

_BEFORE_ISSUE_ACCEPTED = (
    V(
        "出库前质量异议，按实收{q_acc}单位入库",
        (L("1403", DEBIT, "+NA", "+q_acc"), L("222101", DEBIT, "+TA"), L("@settlement", CREDIT, "+NAT")),
    ),
)
_BEFORE_ISSUE_EXCHANGE = (
    V(
        "出库前换货，换回货物到货后按全数{quantity}单位入库",
        (L("1403", DEBIT, "+NF", "+quantity"), L("222101", DEBIT, "+TF"), L("@settlement", CREDIT, "+NFT")),
    ),
)
_IN_KIND_INVOICED = (
    V(
        "实物补偿(数量折扣)：{q}+{b}单位按发票金额入库，单位成本{unit_cost_after}",
        (L("1403", DEBIT, "+N", "+qb"), L("222101", DEBIT, "+T"), L("2202", CREDIT, "+NT")),
    ),
)
_IN_KIND_NOT_INVOICED = (
    V(
        "补货{b}单位无发票：按N·b/(q+b)重分配成本，不按名义金额入账；请供应商补开发票",
        (L("1403", DEBIT, "+BONUS", "+b"), L("@cost_location", CREDIT, "+BONUS")),
    ),
)

# (node, outcome, invoice_status or "*") -> vouchers in booking order.
RULES: dict[tuple[str, str, str], tuple[V, ...]] = {
    # Purchase side, before the material is issued (procedure §2.2).
    ("before_issue", "return", "invoiced"): _BEFORE_ISSUE_ACCEPTED,
    ("before_issue", "return", "invoiced_deducted"): _BEFORE_ISSUE_ACCEPTED,
    ("before_issue", "exchange", "invoiced"): _BEFORE_ISSUE_EXCHANGE,
    ("before_issue", "exchange", "invoiced_deducted"): _BEFORE_ISSUE_EXCHANGE,
    ("before_issue", "return", "not_invoiced"): (
        V(
            "出库前退货，发票未到：按实收{q_acc}单位暂估入库(不含税)",
            (L("1403", DEBIT, "+NA", "+q_acc"), L("220201", CREDIT, "+NA")),
        ),
        V(
            "下期初红字冲回暂估",
            (L("1403", DEBIT, "-NA", "-q_acc"), L("220201", CREDIT, "-NA")),
            date="next_period",
        ),
        # On the invoice's own date, never before the reversal: booking it on the receipt date
        # put both the estimate and the invoice into the receipt month (1403 and 2202 doubled).
        V(
            "发票到达，按实收{q_acc}单位正式入账",
            (
                L("1403", DEBIT, "+NA", "+q_acc"),
                L("222101", DEBIT, "+TA"),
                L("@settlement_credit", CREDIT, "+NAT"),
            ),
            date="invoice_date",
        ),
    ),
    # Decision (issue 12.3): an exchange before issue whose replacement came without an invoice.
    # The rejected goods never entered stock, so nothing is booked for them; the replacement is
    # an ordinary receipt without invoice: estimated without VAT (an estimate carries no input
    # VAT), reversed red on the 1st of next month, and booked with VAT on the invoice's date.
    ("before_issue", "exchange", "not_invoiced"): (
        V(
            "出库前换货，换回货物发票未到：按全数{quantity}单位暂估入库(不含税)",
            (L("1403", DEBIT, "+NF", "+quantity"), L("220201", CREDIT, "+NF")),
        ),
        V(
            "下期初红字冲回暂估",
            (L("1403", DEBIT, "-NF", "-quantity"), L("220201", CREDIT, "-NF")),
            date="next_period",
        ),
        V(
            "发票到达，换回货物按全数{quantity}单位正式入账",
            (
                L("1403", DEBIT, "+NF", "+quantity"),
                L("222101", DEBIT, "+TF"),
                L("@settlement_credit", CREDIT, "+NFT"),
            ),
            date="invoice_date",
        ),
    ),
    # Purchase side, after the material was issued to production (procedure §2.3).
    ("after_issue", "return", "not_invoiced"): (
        _RED_ISSUE,
        V("采购红字入库单退货，冲减暂估", (L("1403", DEBIT, "-N", "-q"), L("220201", CREDIT, "-N"))),
    ),
    ("after_issue", "return", "invoiced_deducted"): (
        _RED_ISSUE,
        V(
            "开具红字发票信息表当期退货，进项税额转出",
            (L("1403", DEBIT, "-N", "-q"), L("222103", CREDIT, "+T"), L("2202", CREDIT, "-NT")),
            date="red_form_date",
        ),
    ),
    ("after_issue", "return", "invoiced_not_deducted"): (
        _RED_ISSUE,
        V(
            "退货，进项税额尚未抵扣：冲减待认证进项税额",
            (L("1403", DEBIT, "-N", "-q"), L("222104", DEBIT, "-T"), L("2202", CREDIT, "-NT")),
            date="red_form_date",
        ),
    ),
    ("after_issue", "allowance", "invoiced_deducted"): (
        V(
            "采购折让{A}元，红字发票信息表当期进项税额转出",
            (L("@cost_location", DEBIT, "-A"), L("222103", CREDIT, "+TA_"), L("2202", CREDIT, "-AT")),
            date="red_form_date",
        ),
    ),
    # Decision (issue 12.3): an allowance on an invoice whose input VAT is not deducted yet. The
    # VAT still sits in 待认证进项税额 and was never deducted, so there is nothing to transfer
    # out: the red-letter form reduces the pending VAT itself (as the return rule does), in the
    # month the form is raised.
    ("after_issue", "allowance", "invoiced_not_deducted"): (
        V(
            "采购折让{A}元，进项税额尚未抵扣：冲减待认证进项税额",
            (L("@cost_location", DEBIT, "-A"), L("222104", DEBIT, "-TA_"), L("2202", CREDIT, "-AT")),
            date="red_form_date",
        ),
    ),
    # Decision (issue 12.3): an allowance before anything is invoiced. No invoice exists, so no
    # red invoice and no VAT: the supplier will invoice the reduced price. The estimate carried
    # at the full price is reduced by the allowance, against where the cost now sits — the same
    # red-entry pattern the seed gives for a return without invoice (§2.3 (1)).
    ("after_issue", "allowance", "not_invoiced"): (
        V(
            "采购折让{A}元，发票未开：红字冲减暂估，供应商按折让后价格开票",
            (L("@cost_location", DEBIT, "-A"), L("220201", CREDIT, "-A")),
        ),
    ),
    ("after_issue", "exchange", "*"): (
        _RED_ISSUE,
        V("次品退回供应商", (L("1403", DEBIT, "-N", "-q"), L("2202", CREDIT, "-N"))),
        V("换回货物入库", (L("1403", DEBIT, "+N", "+q"), L("2202", CREDIT, "+N")), date="replacement_date"),
        V(
            "换回货物车间领用",
            (L("5001", DEBIT, "+N"), L("1403", CREDIT, "+N", "+q")),
            date="replacement_date",
        ),
    ),
    ("after_issue", "stoppage_loss", "*"): (
        V(
            "质量异议停工损失(工资{W}，折旧{D})",
            (L("@stoppage", DEBIT, "+WD"), L("2211", CREDIT, "+W"), L("1602", CREDIT, "+D")),
        ),
        V(
            "供应商同意承担停工损失",
            (L("122101", DEBIT, "+R"), L("@stoppage", CREDIT, "+R")),
            when="R",
            date="agreement_date",
        ),
    ),
    ("before_issue", "in_kind_compensation", "invoiced"): _IN_KIND_INVOICED,
    ("before_issue", "in_kind_compensation", "invoiced_deducted"): _IN_KIND_INVOICED,
    ("after_issue", "in_kind_compensation", "invoiced"): _IN_KIND_INVOICED,
    ("after_issue", "in_kind_compensation", "invoiced_deducted"): _IN_KIND_INVOICED,
    ("before_issue", "in_kind_compensation", "not_invoiced"): _IN_KIND_NOT_INVOICED,
    ("after_issue", "in_kind_compensation", "not_invoiced"): _IN_KIND_NOT_INVOICED,
    # Sales side, after our finished goods were sold (procedure §2.5).
    ("after_sale", "return", "invoiced"): (
        V(
            "销售退货{q}单位，开具红字发票",
            (L("1122", DEBIT, "-NT"), L("6001", CREDIT, "-N"), L("222102", CREDIT, "-T")),
        ),
        V("销售退货冲减主营业务成本", (L("6401", DEBIT, "-QC"), L("1405", CREDIT, "-QC", "-q"))),
    ),
    # Decision (issue 12.3): a sales return before our invoice was issued. Revenue was
    # recognised on delivery; the output VAT not yet invoiced sits in 应交税费-待转销项税额
    # (财会〔2016〕22号). Nothing was invoiced, so no red invoice is issued: the return reverses
    # the revenue, the receivable and that pending output VAT, and the cost, in red. (A company
    # that already declared the sale as 未开票收入 maps 222105 to its 销项税额 account.)
    ("after_sale", "return", "not_invoiced"): (
        V(
            "销售退货{q}单位，发票未开：冲减收入及待转销项税额(无需红字发票)",
            (L("1122", DEBIT, "-NT"), L("6001", CREDIT, "-N"), L("222105", CREDIT, "-T")),
        ),
        V("销售退货冲减主营业务成本", (L("6401", DEBIT, "-QC"), L("1405", CREDIT, "-QC", "-q"))),
    ),
    ("after_sale", "allowance", "invoiced"): (
        V(
            "销售折让{A}元，开具红字发票",
            (L("1122", DEBIT, "-AT"), L("6001", CREDIT, "-A"), L("222102", CREDIT, "-TA_")),
        ),
    ),
    ("after_sale", "exchange", "*"): (
        V("销售换货：退回商品冲减成本", (L("6401", DEBIT, "-QC"), L("1405", CREDIT, "-QC", "-q"))),
        V("销售换货：发出换货商品结转成本", (L("6401", DEBIT, "+QC"), L("1405", CREDIT, "+QC", "+q"))),
        V(
            "退回商品可变现净值低于成本，计提存货跌价准备",
            (L("6701", DEBIT, "+IMPX"), L("1471", CREDIT, "+IMPX")),
            when="IMPX",
        ),
    ),
    ("after_sale", "indirect_loss_compensation", "*"): (
        V(
            "赔偿客户间接损失(非价外费用，不开增值税发票)",
            (L("660101", DEBIT, "+X"), L("224102", CREDIT, "+X")),
        ),
        V(
            "供应商签署赔付协议，追偿质量索赔",
            (L("122101", DEBIT, "+RC"), L("660101", CREDIT, "+RC")),
            when="RC",
            date="agreement_date",
        ),
        V(
            "质量索赔冲抵供应商质量保证金",
            (L("224101", DEBIT, "+RC"), L("122101", CREDIT, "+RC")),
            when="RC",
            date="agreement_date",
        ),
        V("支付客户赔付款", (L("224102", DEBIT, "+X"), L("1002", CREDIT, "+X")), date="payment_date"),
    ),
    # Litigation (procedure §2.6).
    ("litigation", "litigation_costs", "*"): (
        V(
            "质量异议诉讼费用(诉讼费、代理费、差旅费、办公费)",
            (L("660202", DEBIT, "+COSTS"), L("1002", CREDIT, "+COSTS")),
        ),
    ),
    # A lost suit's losses are booked on the judgment's date and need the judgment (or other
    # §2.6 evidence) on file. Only the final write-off (核销) removes the asset for good and is
    # what the tax rules on asset losses look at, so it alone also needs a qualifying condition
    # (1)-(6); those conditions describe the debtor (the supplier) and do not apply to our own
    # impaired stock, and a provision (计提) is an estimate, not a write-off.
    ("litigation", "litigation_lost_inventory", "*"): (
        V(
            "诉讼败诉，质量问题存货计提存货跌价损失",
            (L("6701", DEBIT, "+IMPK"), L("1471", CREDIT, "+IMPK")),
            date="judgment_date",
            evidence=EVIDENCE,
        ),
    ),
    ("litigation", "litigation_lost_prepayment", "*"): (
        V(
            "诉讼败诉，无法收回的预付账款转入其他应收款",
            (L("122102", DEBIT, "+B"), L("1123", CREDIT, "+B")),
            date="judgment_date",
            evidence=EVIDENCE,
        ),
        V(
            "计提坏账准备(信用减值损失)",
            (L("6702", DEBIT, "+B"), L("1231", CREDIT, "+B")),
            date="judgment_date",
            evidence=EVIDENCE,
        ),
        V(
            "取得损失证据后核销",
            (L("1231", DEBIT, "+B"), L("122102", CREDIT, "+B")),
            date="write_off_date",
            evidence=WRITE_OFF,
        ),
    ),
}


def _refusals() -> dict[tuple[str, str, str], tuple[str, str]]:
    """Combinations refused with a specific reason (beyond "the rules do not cover it")."""
    deducted = _(
        "For an invoiced return or allowance after issue, say whether the input VAT was already "
        "deducted (invoiced_deducted or invoiced_not_deducted)."
    )
    won = _(
        "A won lawsuit is booked as the return, exchange, allowance or compensation it yields: "
        "enter it with the node where the dispute arose."
    )
    refusals = {
        ("after_issue", "return", "invoiced"): (deducted, "invoice_status"),
        ("after_issue", "allowance", "invoiced"): (deducted, "invoice_status"),
    }
    for outcome in ("return", "exchange", "allowance", "in_kind_compensation", "indirect_loss_compensation"):
        refusals[("litigation", outcome, "*")] = (won, "node")
    return refusals


# ---------------------------------------------------------------- input


@dataclass
class DisputeInput:
    node: str
    outcome: str
    invoice_status: str | None
    choices: dict[str, str]
    numbers: dict[str, Decimal]
    raw: Mapping = field(default_factory=dict)

    def get(self, name: str) -> Decimal | None:
        return self.numbers.get(name)


def _missing(name: str) -> DisputeInputError:
    return DisputeInputError(_("This outcome needs the field %(field)s.") % {"field": name}, name)


def parse_number(name: str, value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise DisputeInputError(_("%(field)s must be a number.") % {"field": name}, name)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise DisputeInputError(_("%(field)s must be a number.") % {"field": name}, name) from None
    if not number.is_finite():
        raise DisputeInputError(_("%(field)s must be a number.") % {"field": name}, name)
    if number < 0:
        raise DisputeInputError(_("%(field)s must not be negative.") % {"field": name}, name)
    if abs(number) >= Decimal("1e13"):
        raise DisputeInputError(_("%(field)s is too large.") % {"field": name}, name)
    return number


def parse_input(data) -> DisputeInput:
    if not isinstance(data, Mapping):
        raise DisputeInputError(_("The input must be one JSON object."))
    choices: dict[str, str] = {}
    for name, allowed in CHOICE_FIELDS.items():
        value = data.get(name)
        if value is None or value == "":
            continue
        if not isinstance(value, str) or value not in allowed:
            raise DisputeInputError(
                _("%(field)s must be one of: %(choices)s.") % {"field": name, "choices": ", ".join(allowed)},
                name,
            )
        choices[name] = value
    for name in ("node", "outcome"):
        if name not in choices:
            raise _missing(name)
    numbers = {}
    for name in NUMBER_FIELDS:
        number = parse_number(name, data.get(name))
        if number is not None:
            numbers[name] = number
    if "vat_rate" in numbers and numbers["vat_rate"] >= 1:
        raise DisputeInputError(_("vat_rate is a fraction, e.g. 0.13 for 13%."), "vat_rate")
    if numbers.get("affected_quantity", 0) > numbers.get("quantity", numbers.get("affected_quantity", 0)):
        raise DisputeInputError(
            _("affected_quantity (returned) cannot exceed quantity (delivered)."), "affected_quantity"
        )
    if "allowance_rate" in numbers and not (0 < numbers["allowance_rate"] <= 1):
        raise DisputeInputError(
            _("allowance_rate is a fraction between 0 and 1, e.g. 0.05."), "allowance_rate"
        )
    return DisputeInput(
        node=choices["node"],
        outcome=choices["outcome"],
        invoice_status=choices.get("invoice_status"),
        choices=choices,
        numbers=numbers,
        raw=data,
    )


# ---------------------------------------------------------------- amounts


class _Amounts:
    """Named amounts, computed on first use; a missing input raises naming that field."""

    def __init__(self, inp: DisputeInput):
        self.inp = inp
        self.cache: dict[str, Decimal] = {}

    def need(self, name: str, *, positive: bool = False) -> Decimal:
        value = self.inp.get(name)
        if value is None:
            raise _missing(name)
        if positive and value <= 0:
            raise DisputeInputError(_("%(field)s must be greater than zero.") % {"field": name}, name)
        return value

    def opt(self, name: str) -> Decimal:
        return self.inp.get(name) or Decimal(0)

    def __getitem__(self, name: str) -> Decimal:
        if name not in self.cache:
            self.cache[name] = _AMOUNTS[name](self)
        return self.cache[name]

    # quantities and prices
    def q(self) -> Decimal:
        """The affected quantity; when only `quantity` is given, all of it is affected."""
        if self.inp.get("affected_quantity") is not None:
            return self.need("affected_quantity", positive=True)
        if self.inp.get("quantity") is not None:
            return self.need("quantity", positive=True)
        raise _missing("affected_quantity")

    def rate(self) -> Decimal:
        return self.inp.get("vat_rate") if self.inp.get("vat_rate") is not None else DEFAULT_VAT_RATE

    def q_acc(self) -> Decimal:
        total = self.need("quantity", positive=True)
        returned = self.need("affected_quantity")
        if returned > total:
            raise DisputeInputError(
                _("affected_quantity (returned) cannot exceed quantity (delivered)."), "affected_quantity"
            )
        return total - returned

    def allowance(self) -> Decimal:
        if self.inp.get("allowance_amount") is not None:
            return round_half_up(self.need("allowance_amount", positive=True))
        if self.inp.get("allowance_rate") is not None:
            return round_half_up(
                self["q"] * self.need("unit_price", positive=True) * self.need("allowance_rate")
            )
        raise _missing("allowance_amount")


def _n(a: _Amounts) -> Decimal:
    return round_half_up(a["q"] * a.need("unit_price", positive=True))


def _impx(a: _Amounts) -> Decimal:
    nrv = a.inp.get("net_realizable_value")
    return max(a["QC"] - round_half_up(nrv), Decimal(0)) if nrv is not None else Decimal(0)


def _impk(a: _Amounts) -> Decimal:
    cost_name = "unit_cost" if a.inp.get("unit_cost") is not None else "unit_price"
    if a.inp.get(cost_name) is None:
        raise _missing("unit_cost")
    cost = round_half_up(a["q"] * a.need(cost_name, positive=True))
    nrv = round_half_up(a.need("net_realizable_value"))
    if nrv >= cost:
        raise DisputeInputError(
            _("The net realizable value is not below the cost (%(cost)s): there is no impairment to book.")
            % {"cost": cost},
            "net_realizable_value",
        )
    return cost - nrv


def _bonus(a: _Amounts) -> Decimal:
    return round_half_up(a["N"] * a["b"] / (a["q"] + a["b"]))


def _stoppage_recoverable(a: _Amounts) -> Decimal:
    r = round_half_up(a.opt("supplier_recoverable"))
    if r > a["WD"]:
        raise DisputeInputError(
            _("supplier_recoverable cannot exceed the stoppage loss (wages + depreciation)."),
            "supplier_recoverable",
        )
    return r


def _recourse(a: _Amounts) -> Decimal:
    r = round_half_up(a.opt("supplier_recourse"))
    if r > a["X"]:
        raise DisputeInputError(
            _("supplier_recourse cannot exceed compensation_to_customer."), "supplier_recourse"
        )
    return r


def _wd(a: _Amounts) -> Decimal:
    if a.inp.get("wages") is None and a.inp.get("depreciation") is None:
        raise _missing("wages")
    total = a["W"] + a["D"]
    if total <= 0:
        raise DisputeInputError(
            _("The stoppage loss (wages + depreciation) must be greater than zero."), "wages"
        )
    return total


_AMOUNTS: dict[str, Callable[[_Amounts], Decimal]] = {
    "q": _Amounts.q,
    "q_acc": _Amounts.q_acc,
    "quantity": lambda a: a.need("quantity", positive=True),
    "b": lambda a: a.need("bonus_quantity", positive=True),
    "qb": lambda a: a["q"] + a["b"],
    "r": _Amounts.rate,
    "N": _n,
    "T": lambda a: vat(a["N"], a["r"]),
    "NT": lambda a: a["N"] + a["T"],
    "NA": lambda a: round_half_up(a["q_acc"] * a.need("unit_price", positive=True)),
    "TA": lambda a: vat(a["NA"], a["r"]),
    "NAT": lambda a: a["NA"] + a["TA"],
    "NF": lambda a: round_half_up(a["quantity"] * a.need("unit_price", positive=True)),
    "TF": lambda a: vat(a["NF"], a["r"]),
    "NFT": lambda a: a["NF"] + a["TF"],
    "A": _Amounts.allowance,
    "TA_": lambda a: vat(a["A"], a["r"]),
    "AT": lambda a: a["A"] + a["TA_"],
    "QC": lambda a: round_half_up(a["q"] * a.need("unit_cost", positive=True)),
    "IMPX": _impx,
    "IMPK": _impk,
    "W": lambda a: round_half_up(a.opt("wages")),
    "D": lambda a: round_half_up(a.opt("depreciation")),
    "WD": _wd,
    "R": _stoppage_recoverable,
    "X": lambda a: round_half_up(a.need("compensation_to_customer", positive=True)),
    "RC": _recourse,
    "COSTS": lambda a: round_half_up(a.need("costs", positive=True)),
    "B": lambda a: round_half_up(a.need("prepaid_balance", positive=True)),
    "BONUS": _bonus,
    "unit_cost_after": lambda a: round_half_up(a["N"] / a["qb"], Decimal("0.0001")),
}


# ---------------------------------------------------------------- output


@dataclass(frozen=True)
class Line:
    account_code: str
    account_name: str
    side: str
    amount: Decimal
    summary: str
    standard_code: str = ""
    quantity: Decimal | None = None
    unit_price: Decimal | None = None

    def as_contract(self) -> dict:
        return {
            "account_code": self.account_code,
            "account_name": self.account_name,
            "side": self.side,
            "amount": f"{self.amount:.2f}",
            "summary": self.summary,
        }


@dataclass(frozen=True)
class Voucher:
    summary: str
    lines: tuple[Line, ...]
    date_basis: str = "booking"
    evidence: str = ""

    @property
    def next_period(self) -> bool:
        return self.date_basis == "next_period"

    @property
    def date_field(self) -> str:
        return DATE_BASES[self.date_basis]

    def total(self, side: str) -> Decimal:
        return sum((line.amount for line in self.lines if line.side == side), Decimal(0))

    @property
    def total_debit(self) -> Decimal:
        return self.total(DEBIT)

    @property
    def total_credit(self) -> Decimal:
        return self.total(CREDIT)

    @property
    def balanced(self) -> bool:
        return self.total(DEBIT) == self.total(CREDIT)

    def as_contract(self) -> dict:
        return {"lines": [line.as_contract() for line in self.lines]}


def as_contract(vouchers: list[Voucher]) -> dict:
    """The preview contract: {"vouchers": [{"lines": [...]}]}."""
    return {"vouchers": [v.as_contract() for v in vouchers]}


def _lookup(inp: DisputeInput) -> tuple[V, ...]:
    status = inp.invoice_status
    refusals = _refusals()
    for key in ((inp.node, inp.outcome, status or ""), (inp.node, inp.outcome, "*")):
        if key in refusals:
            message, fld = refusals[key]
            raise DisputeInputError(message, fld)
        if key in RULES:
            return RULES[key]
    known = [k[2] for k in RULES if k[:2] == (inp.node, inp.outcome)]
    if not known:
        raise DisputeInputError(
            _("The rules do not cover the outcome %(outcome)s at the node %(node)s; nothing is guessed.")
            % {"outcome": inp.outcome, "node": inp.node},
            "outcome",
        )
    if status is None:
        raise _missing("invoice_status")
    raise DisputeInputError(
        _(
            "The rules do not cover %(outcome)s at %(node)s with invoice status %(status)s "
            "(covered: %(known)s); nothing is guessed."
        )
        % {"outcome": inp.outcome, "node": inp.node, "status": status, "known": ", ".join(sorted(known))},
        "invoice_status",
    )


def _refuse_nominal(inp: DisputeInput) -> None:
    """Seed §2.4: a bonus delivered without an invoice is never booked at a nominal 1 yuan."""
    if inp.outcome != "in_kind_compensation":
        return
    reason = _(
        "In-kind compensation is never booked at a nominal 1 yuan (procedure §2.4: it is not a donation and "
        "distorts costing). Book the supplier's invoice, or reallocate the batch cost over the bonus units."
    )
    for name in NOMINAL_FIELDS:
        if inp.raw.get(name) not in (None, False, "", 0, "0", "false"):
            raise DisputeInputError(reason, name)
    if inp.invoice_status == "not_invoiced" and inp.get("unit_price") == 1:
        raise DisputeInputError(reason, "unit_price")


def _account(code: str, inp: DisputeInput) -> str:
    if code == "@settlement":
        if "settlement" not in inp.choices:
            raise _missing("settlement")
        return SETTLEMENTS[inp.choices["settlement"]]
    if code == "@settlement_credit":  # the invoice of an estimate: on credit unless said prepaid
        return SETTLEMENTS[inp.choices.get("settlement", "credit")]
    if code == "@cost_location":
        if "cost_location" not in inp.choices:
            raise _missing("cost_location")
        return COST_LOCATIONS[inp.choices["cost_location"]]
    if code == "@stoppage":
        if "stoppage_type" not in inp.choices:
            raise _missing("stoppage_type")
        return STOPPAGE_TYPES[inp.choices["stoppage_type"]]
    return code


def _value(expr: str, amounts: _Amounts) -> Decimal:
    sign, name = (-1, expr[1:]) if expr[0] == "-" else (1, expr.lstrip("+"))
    return sign * amounts[name]


def _summary(template: str, amounts: _Amounts) -> str:
    names = [part.split("}")[0] for part in template.split("{")[1:]]
    return template.format(**{n: _fmt(amounts[n]) for n in names})


def _fmt(number: Decimal) -> str:
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# The voucher line columns beside the amount (bounded by MAX_AMOUNT): quantity numeric(14,3)
# and unit price numeric(14,4).
_LINE_LIMITS = (Decimal("1e11"), Decimal("1e10"))


def _refuse_oversized(qty: Decimal | None, price: Decimal | None) -> None:
    """Each input is bounded, but a derived quantity or unit price can still exceed what a
    voucher line can hold: say so instead of failing when the vouchers are saved."""
    for value, limit in zip((qty, price), _LINE_LIMITS, strict=True):
        if value is not None and abs(value) >= limit:
            message = _("The amounts are too large for one voucher line; check quantity and price.")
            raise DisputeInputError(message)


def generate(data, *, chart: Mapping[str, tuple[str, str]] | None = None) -> list[Voucher]:
    """Turn one dispute input into balanced vouchers, or raise DisputeInputError with the reason.

    `chart` maps a standard code to the company's (code, name); missing codes use the default.
    """
    inp = data if isinstance(data, DisputeInput) else parse_input(data)
    templates = _lookup(inp)
    _refuse_nominal(inp)
    if (
        inp.outcome == "in_kind_compensation"
        and inp.invoice_status == "not_invoiced"
        and inp.choices.get("cost_location") == "raw_material"
    ):
        raise DisputeInputError(
            _("The cost is reallocated from where the issued material now sits; it cannot be raw_material."),
            "cost_location",
        )
    amounts = _Amounts(inp)
    vouchers: list[Voucher] = []
    for template in templates:
        if template.when and amounts[template.when] <= 0:
            continue
        summary = _summary(template.summary, amounts)
        lines = []
        for lt in template.lines:
            code = _account(lt.account, inp)
            amount = _value(lt.amount, amounts)
            if abs(amount) >= MAX_AMOUNT:
                raise DisputeInputError(
                    _("An amount of %(amount)s exceeds the voucher line limit (%(max)s).")
                    % {"amount": f"{amount:,.2f}", "max": f"{MAX_AMOUNT - FEN:,.2f}"}
                )
            if amount == 0:
                continue  # a zero line (0% VAT, no depreciation) says nothing
            own_code, own_name = (chart or {}).get(code) or (code, DEFAULT_CHART[code])
            qty = _value(lt.qty, amounts) if lt.qty else None
            price = round_half_up(abs(amount) / abs(qty), Decimal("0.0001")) if qty else None
            _refuse_oversized(qty, price)
            lines.append(Line(own_code, own_name, lt.side, amount, summary, code, qty, price))
        if not lines:
            continue
        voucher = Voucher(summary, tuple(lines), template.date, template.evidence)
        if not voucher.balanced:  # a rule-table bug, never user input
            raise AssertionError(f"unbalanced voucher from rule {inp.node}/{inp.outcome}: {voucher}")
        vouchers.append(voucher)
    if not vouchers:
        raise DisputeInputError(_("All amounts are zero: there is nothing to book."))
    return vouchers


def rule_keys() -> list[tuple[str, str, str]]:
    return sorted(RULES)


# ---------------------------------------------------------------- business dates


def first_of_next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def parse_dates(data: Mapping) -> dict[str, datetime.date]:
    """The business dates of an input (ISO strings or dates); a bad one names its field."""
    dates = {}
    for name in DATE_FIELDS:
        value = data.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, datetime.date):
            dates[name] = value
            continue
        try:
            dates[name] = datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            raise DisputeInputError(
                _("%(field)s must be a date (YYYY-MM-DD).") % {"field": name}, name
            ) from None
    return dates


def voucher_date(voucher: Voucher, dates: Mapping[str, datetime.date]) -> datetime.date | None:
    """The voucher's business date, or None while its event date is not entered yet."""
    day = dates.get(voucher.date_field)
    if day is not None and voucher.date_basis == "next_period":
        return first_of_next_month(day)
    return day


# (date field, the date field it may not precede, how to read that one's date)
_ORDER = {
    "red_form_date": "booking_date",
    "replacement_date": "booking_date",
    "agreement_date": "booking_date",
    "payment_date": "booking_date",
    "write_off_date": "judgment_date",
}


def check_dates(vouchers: list[Voucher], dates: Mapping[str, datetime.date]) -> None:
    """Refuse business dates out of order, naming the later field: the invoice of an estimate
    never before the estimate's reversal (the 1st of next month), an agreement, payment,
    red-letter form or replacement never before the booking date, a write-off never before
    the judgment (nor without one)."""
    used = {v.date_field for v in vouchers}
    booking = dates.get("booking_date")
    if "invoice_date" in used and booking and dates.get("invoice_date"):
        reversal = first_of_next_month(booking)
        if dates["invoice_date"] < reversal:
            raise DisputeInputError(
                _(
                    "%(field)s cannot fall before %(date)s, when the estimate is reversed: an invoice "
                    "that arrives in the month of receipt is booked as invoiced, without an estimate."
                )
                % {"field": "invoice_date", "date": reversal.isoformat()},
                "invoice_date",
            )
    for name, earlier in _ORDER.items():
        if name not in used or not dates.get(name):
            continue
        if earlier not in dates:
            if earlier == "booking_date":
                continue
            raise _missing(earlier)
        if dates[name] < dates[earlier]:
            raise DisputeInputError(
                _("%(field)s cannot fall before %(earlier)s (%(date)s).")
                % {"field": name, "earlier": earlier, "date": dates[earlier].isoformat()},
                name,
            )
