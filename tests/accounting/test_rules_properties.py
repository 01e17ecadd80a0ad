"""Property tests: random amounts and rates, every voucher balances to the fen, a red-letter
reversal nets to zero, and VAT rounds half-up."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from accounting.rules import RULES, Line, generate, vat

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2)
qty = st.decimals(min_value=Decimal("1"), max_value=Decimal("99999"), places=3)
price = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=4)
rate = st.sampled_from(["0.13", "0.09", "0.06", "0.03", "0.01", "0"]) | st.decimals(
    min_value=Decimal("0"), max_value=Decimal("0.9999"), places=4
).map(str)


@st.composite
def dispute_inputs(draw):
    node, outcome, status = draw(st.sampled_from(sorted(RULES)))
    data = {"node": node, "outcome": outcome, "vat_rate": draw(rate)}
    if status != "*":
        data["invoice_status"] = status
    q = draw(qty)
    data.update(
        quantity=str(q + draw(qty)),
        affected_quantity=str(q),
        bonus_quantity=str(draw(qty)),
        unit_price=str(draw(price) + 2),  # never the refused nominal 1 yuan
        unit_cost=str(draw(price)),
        settlement=draw(st.sampled_from(["prepaid", "credit"])),
        allowance_amount=str(draw(money)),
        cost_location=draw(st.sampled_from(["wip", "finished_goods", "sold"])),
        stoppage_type=draw(st.sampled_from(["short_planned", "long_unplanned"])),
        wages=str(draw(money)),
        depreciation=str(draw(money)),
        compensation_to_customer=str(draw(money)),
        costs=str(draw(money)),
        net_realizable_value="0",
        prepaid_balance=str(draw(money)),
    )
    return data


@settings(max_examples=400, deadline=None)
@given(dispute_inputs())
def test_every_voucher_balances_to_the_fen(data):
    for voucher in generate(data):
        assert voucher.total("debit") == voucher.total("credit")
        assert all(line.amount == line.amount.quantize(Decimal("0.01")) for line in voucher.lines)


@settings(max_examples=200, deadline=None)
@given(dispute_inputs())
def test_a_red_letter_reversal_nets_to_zero(data):
    for voucher in generate(data):
        reversal = [
            Line(ln.account_code, ln.account_name, ln.side, -ln.amount, ln.summary) for ln in voucher.lines
        ]
        net: dict[tuple[str, str], Decimal] = {}
        for line in (*voucher.lines, *reversal):
            key = (line.account_code, line.side)
            net[key] = net.get(key, Decimal(0)) + line.amount
        assert set(net.values()) == {Decimal(0)}


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=9999))
def test_vat_rounds_half_up_to_the_fen(cents, basis_points):
    # Independent integer arithmetic: T in fen = round_half_up(cents × bp / 10000).
    expected = (cents * basis_points * 2 + 10000) // 20000
    assert vat(Decimal(cents) / 100, Decimal(basis_points) / 10000) == Decimal(expected) / 100


def test_vat_half_up_not_bankers():
    assert vat(Decimal("0.50"), Decimal("0.05")) == Decimal("0.03")  # 0.025 -> 0.03
    assert vat(Decimal("1234.50"), Decimal("0.13")) == Decimal("160.49")  # 160.485 -> 160.49
