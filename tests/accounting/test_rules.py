"""Every voucher rule (docs/voucher-rules.md), with a worked example of our own numbers (hand-computed).

Pure: no database. Each expected voucher is a list of (account code, side, amount).
"""

from decimal import Decimal

import pytest

from accounting.rules import DisputeInputError, as_contract, generate

D, C = "debit", "credit"


def booked(data):
    return [
        [(ln["account_code"], ln["side"], ln["amount"]) for ln in v["lines"]]
        for v in as_contract(generate(data))["vouchers"]
    ]


def refused(data):
    with pytest.raises(DisputeInputError) as info:
        generate(data)
    return info.value


# --- purchase side, before issue -------------------------------------------------------


def test_before_issue_return_invoiced_books_the_accepted_quantity_against_prepayment():
    # 120 delivered, 20 returned: 100 × 4,850.50 = 485,050.00; VAT 13% = 63,056.50.
    data = {
        "node": "before_issue",
        "outcome": "return",
        "invoice_status": "invoiced",
        "quantity": 120,
        "affected_quantity": "20",
        "unit_price": "4850.50",
        "settlement": "prepaid",
    }
    assert booked(data) == [[("1403", D, "485050.00"), ("222101", D, "63056.50"), ("1123", C, "548106.50")]]


def test_before_issue_exchange_books_the_full_quantity_on_credit():
    # 120 × 4,850.50 = 582,060.00; VAT 75,667.80.
    data = {
        "node": "before_issue",
        "outcome": "exchange",
        "invoice_status": "invoiced_deducted",
        "quantity": "120",
        "unit_price": "4850.50",
        "settlement": "credit",
    }
    assert booked(data) == [[("1403", D, "582060.00"), ("222101", D, "75667.80"), ("2202", C, "657727.80")]]


def test_before_issue_return_not_invoiced_estimates_without_vat_reverses_next_period_then_books_invoice():
    # 50 delivered, 8 returned: 42 × 1,234.56 = 51,851.52; T = 6,740.6976 -> 6,740.70.
    data = {
        "node": "before_issue",
        "outcome": "return",
        "invoice_status": "not_invoiced",
        "quantity": 50,
        "affected_quantity": 8,
        "unit_price": "1234.56",
    }
    assert booked(data) == [
        [("1403", D, "51851.52"), ("220201", C, "51851.52")],
        [("1403", D, "-51851.52"), ("220201", C, "-51851.52")],
        [("1403", D, "51851.52"), ("222101", D, "6740.70"), ("2202", C, "58592.22")],
    ]
    assert [v.next_period for v in generate(data)] == [False, True, False]


def test_before_issue_settlement_is_required_when_invoiced():
    err = refused(
        {
            "node": "before_issue",
            "outcome": "return",
            "invoice_status": "invoiced",
            "quantity": 10,
            "affected_quantity": 1,
            "unit_price": 10,
        }
    )
    assert err.field == "settlement"


def test_returned_cannot_exceed_delivered():
    err = refused(
        {
            "node": "before_issue",
            "outcome": "return",
            "invoice_status": "not_invoiced",
            "quantity": 10,
            "affected_quantity": 11,
            "unit_price": 10,
        }
    )
    assert err.field == "affected_quantity"


# --- purchase side, after issue ----------------------------------------------------------


def test_after_issue_return_not_invoiced_red_issue_note_and_red_receipt():
    # 7 × 333.33 = 2,333.31
    data = {
        "node": "after_issue",
        "outcome": "return",
        "invoice_status": "not_invoiced",
        "affected_quantity": 7,
        "unit_price": "333.33",
    }
    assert booked(data) == [
        [("5001", D, "-2333.31"), ("1403", C, "-2333.31")],
        [("1403", D, "-2333.31"), ("220201", C, "-2333.31")],
    ]


def test_after_issue_return_invoiced_deducted_transfers_input_vat_out():
    # 3 × 1,000.05 = 3,000.15; T = 390.0195 -> 390.02; N+T = 3,390.17
    data = {
        "node": "after_issue",
        "outcome": "return",
        "invoice_status": "invoiced_deducted",
        "affected_quantity": 3,
        "unit_price": "1000.05",
    }
    assert booked(data) == [
        [("5001", D, "-3000.15"), ("1403", C, "-3000.15")],
        [("1403", D, "-3000.15"), ("222103", C, "390.02"), ("2202", C, "-3390.17")],
    ]


def test_after_issue_return_invoiced_not_deducted_reduces_pending_input_vat():
    data = {
        "node": "after_issue",
        "outcome": "return",
        "invoice_status": "invoiced_not_deducted",
        "affected_quantity": 3,
        "unit_price": "1000.05",
    }
    assert booked(data)[1] == [("1403", D, "-3000.15"), ("222104", D, "-390.02"), ("2202", C, "-3390.17")]


def test_after_issue_return_invoiced_without_deduction_state_is_refused():
    err = refused(
        {
            "node": "after_issue",
            "outcome": "return",
            "invoice_status": "invoiced",
            "affected_quantity": 3,
            "unit_price": 1,
        }
    )
    assert err.field == "invoice_status" and "invoiced_deducted" in err.message


def test_after_issue_allowance_rounds_vat_half_up_and_credits_where_the_cost_sits():
    # A = 1,234.50; T_A = 160.485 -> 160.49 (half up); A + T_A = 1,394.99
    data = {
        "node": "after_issue",
        "outcome": "allowance",
        "invoice_status": "invoiced_deducted",
        "allowance_amount": "1234.50",
        "cost_location": "finished_goods",
    }
    assert booked(data) == [[("1405", D, "-1234.50"), ("222103", C, "160.49"), ("2202", C, "-1394.99")]]


def test_after_issue_allowance_by_rate_of_the_batch_value():
    # 10 × 500 × 5% = 250.00; T = 32.50
    data = {
        "node": "after_issue",
        "outcome": "allowance",
        "invoice_status": "invoiced_deducted",
        "affected_quantity": 10,
        "unit_price": 500,
        "allowance_rate": "0.05",
        "cost_location": "sold",
    }
    assert booked(data) == [[("6401", D, "-250.00"), ("222103", C, "32.50"), ("2202", C, "-282.50")]]


def test_after_issue_allowance_needs_an_amount_and_a_cost_location():
    base = {"node": "after_issue", "outcome": "allowance", "invoice_status": "invoiced_deducted"}
    assert refused({**base, "cost_location": "wip"}).field == "allowance_amount"
    assert refused({**base, "allowance_amount": 10}).field == "cost_location"


def test_after_issue_exchange_four_vouchers():
    # 4 × 2,500 = 10,000.00
    data = {"node": "after_issue", "outcome": "exchange", "affected_quantity": 4, "unit_price": 2500}
    assert booked(data) == [
        [("5001", D, "-10000.00"), ("1403", C, "-10000.00")],
        [("1403", D, "-10000.00"), ("2202", C, "-10000.00")],
        [("1403", D, "10000.00"), ("2202", C, "10000.00")],
        [("5001", D, "10000.00"), ("1403", C, "10000.00")],
    ]


def test_short_planned_stoppage_goes_to_overhead_and_supplier_share_to_other_receivables():
    data = {
        "node": "after_issue",
        "outcome": "stoppage_loss",
        "stoppage_type": "short_planned",
        "wages": 12000,
        "depreciation": "3000.50",
        "supplier_recoverable": 5000,
    }
    assert booked(data) == [
        [("510101", D, "15000.50"), ("2211", C, "12000.00"), ("1602", C, "3000.50")],
        [("122101", D, "5000.00"), ("510101", C, "5000.00")],
    ]


def test_long_unplanned_stoppage_goes_to_administrative_expenses():
    data = {
        "node": "after_issue",
        "outcome": "stoppage_loss",
        "stoppage_type": "long_unplanned",
        "wages": "800",
    }
    assert booked(data) == [[("660201", D, "800.00"), ("2211", C, "800.00")]]


def test_stoppage_needs_its_type():
    assert refused({"node": "after_issue", "outcome": "stoppage_loss", "wages": 1}).field == "stoppage_type"


def test_in_kind_compensation_invoiced_is_a_quantity_discount():
    # 100 invoiced + 10 bonus at 300: N = 30,000.00, T = 3,900.00; unit cost 30,000/110
    data = {
        "node": "after_issue",
        "outcome": "in_kind_compensation",
        "invoice_status": "invoiced",
        "quantity": 100,
        "bonus_quantity": 10,
        "unit_price": 300,
    }
    vouchers = generate(data)
    assert booked(data) == [[("1403", D, "30000.00"), ("222101", D, "3900.00"), ("2202", C, "33900.00")]]
    assert vouchers[0].lines[0].quantity == Decimal(110)
    assert "272.7273" in vouchers[0].summary


def test_in_kind_compensation_without_invoice_reallocates_cost_and_warns():
    # 30,000 × 10 / 110 = 2,727.2727 -> 2,727.27
    data = {
        "node": "after_issue",
        "outcome": "in_kind_compensation",
        "invoice_status": "not_invoiced",
        "quantity": 100,
        "bonus_quantity": 10,
        "unit_price": 300,
        "cost_location": "wip",
    }
    assert booked(data) == [[("1403", D, "2727.27"), ("5001", C, "2727.27")]]
    assert "补开发票" in generate(data)[0].summary


@pytest.mark.parametrize(
    "extra",
    [{"unit_price": 1}, {"unit_price": 300, "nominal": True}, {"unit_price": 300, "nominal_value": "1"}],
)
def test_in_kind_compensation_at_a_nominal_one_yuan_is_refused_with_the_reason(extra):
    data = dict(
        node="after_issue",
        outcome="in_kind_compensation",
        invoice_status="not_invoiced",
        quantity=100,
        bonus_quantity=10,
        cost_location="wip",
        **extra,
    )
    err = refused(data)
    assert "1" in err.message and "§2.4" in err.message


# --- sales side ----------------------------------------------------------------------------


def test_sales_return_red_invoice_and_cost_reversal():
    # 5 × 8,000 = 40,000; VAT 5,200; cost 5 × 5,500 = 27,500
    data = {
        "node": "after_sale",
        "outcome": "return",
        "invoice_status": "invoiced",
        "affected_quantity": 5,
        "unit_price": 8000,
        "unit_cost": 5500,
    }
    assert booked(data) == [
        [("1122", D, "-45200.00"), ("6001", C, "-40000.00"), ("222102", C, "-5200.00")],
        [("6401", D, "-27500.00"), ("1405", C, "-27500.00")],
    ]


def test_sales_allowance_red_invoice():
    # A = 3,333.33; T = 433.3329 -> 433.33
    data = {
        "node": "after_sale",
        "outcome": "allowance",
        "invoice_status": "invoiced",
        "allowance_amount": "3333.33",
    }
    assert booked(data) == [[("1122", D, "-3766.66"), ("6001", C, "-3333.33"), ("222102", C, "-433.33")]]


def test_sales_exchange_with_impairment_of_returned_units():
    # 2 × 6,100 = 12,200; NRV 9,000 -> impairment 3,200
    data = {
        "node": "after_sale",
        "outcome": "exchange",
        "affected_quantity": 2,
        "unit_cost": 6100,
        "net_realizable_value": 9000,
    }
    assert booked(data) == [
        [("6401", D, "-12200.00"), ("1405", C, "-12200.00")],
        [("6401", D, "12200.00"), ("1405", C, "12200.00")],
        [("6701", D, "3200.00"), ("1471", C, "3200.00")],
    ]
    assert len(booked({**data, "net_realizable_value": 20000})) == 2


def test_indirect_loss_compensation_with_supplier_recourse_against_the_deposit():
    data = {
        "node": "after_sale",
        "outcome": "indirect_loss_compensation",
        "compensation_to_customer": 80000,
        "supplier_recourse": "30000",
    }
    assert booked(data) == [
        [("660101", D, "80000.00"), ("224102", C, "80000.00")],
        [("122101", D, "30000.00"), ("660101", C, "30000.00")],
        [("224101", D, "30000.00"), ("122101", C, "30000.00")],
        [("224102", D, "80000.00"), ("1002", C, "80000.00")],
    ]
    # no VAT anywhere: compensation is not a 价外费用
    assert not any(code.startswith("2221") for v in booked(data) for code, _s, _a in v)


def test_recourse_cannot_exceed_the_compensation():
    err = refused(
        {
            "node": "after_sale",
            "outcome": "indirect_loss_compensation",
            "compensation_to_customer": 1,
            "supplier_recourse": 2,
        }
    )
    assert err.field == "supplier_recourse"


# --- litigation ----------------------------------------------------------------------------


def test_litigation_won_is_booked_as_the_outcome_it_yields():
    err = refused({"node": "litigation", "outcome": "return", "invoice_status": "invoiced_deducted"})
    assert err.field == "node"


def test_litigation_costs():
    assert booked({"node": "litigation", "outcome": "litigation_costs", "costs": "15800"}) == [
        [("660202", D, "15800.00"), ("1002", C, "15800.00")]
    ]


def test_litigation_lost_defective_stock_is_impaired_to_nrv():
    # 10 × 5,000 = 50,000; NRV 12,000 -> 38,000
    data = {
        "node": "litigation",
        "outcome": "litigation_lost_inventory",
        "affected_quantity": 10,
        "unit_cost": 5000,
        "net_realizable_value": 12000,
    }
    assert booked(data) == [[("6701", D, "38000.00"), ("1471", C, "38000.00")]]
    assert refused({**data, "net_realizable_value": 60000}).field == "net_realizable_value"


def test_litigation_lost_prepayment_reclassified_then_credit_impairment_then_written_off():
    assert booked(
        {"node": "litigation", "outcome": "litigation_lost_prepayment", "prepaid_balance": 200000}
    ) == [
        [("122102", D, "200000.00"), ("1123", C, "200000.00")],
        [("6702", D, "200000.00"), ("1231", C, "200000.00")],
        [("1231", D, "200000.00"), ("122102", C, "200000.00")],
    ]


# --- input handling ---------------------------------------------------------------------------


def test_numbers_may_be_json_numbers_or_strings():
    base = {"node": "litigation", "outcome": "litigation_costs"}
    assert booked({**base, "costs": 100.1}) == booked({**base, "costs": "100.10"})


def test_vat_rate_of_the_original_invoice_is_used():
    data = {
        "node": "after_sale",
        "outcome": "allowance",
        "invoice_status": "invoiced",
        "allowance_amount": 100,
        "vat_rate": "0.09",
    }
    assert booked(data) == [[("1122", D, "-109.00"), ("6001", C, "-100.00"), ("222102", C, "-9.00")]]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"outcome": "return"}, "node"),
        ({"node": "after_issue"}, "outcome"),
        ({"node": "moon", "outcome": "return"}, "node"),
        ({"node": "litigation", "outcome": "litigation_costs", "costs": "abc"}, "costs"),
        ({"node": "litigation", "outcome": "litigation_costs", "costs": "-5"}, "costs"),
        ({"node": "litigation", "outcome": "litigation_costs", "costs": True}, "costs"),
        ({"node": "litigation", "outcome": "litigation_costs"}, "costs"),
        ({"node": "after_sale", "outcome": "stoppage_loss"}, "outcome"),
        ({"node": "after_sale", "outcome": "allowance", "invoice_status": "not_invoiced"}, "invoice_status"),
        ({"node": "after_sale", "outcome": "return"}, "invoice_status"),
        (
            {"node": "after_sale", "outcome": "return", "invoice_status": "invoiced", "unit_price": 1},
            "affected_quantity",
        ),
        (
            {"node": "after_issue", "outcome": "return", "invoice_status": "not_invoiced", "quantity": 1},
            "unit_price",
        ),
        (
            {
                "node": "after_sale",
                "outcome": "allowance",
                "invoice_status": "invoiced",
                "allowance_amount": 1,
                "vat_rate": "13",
            },
            "vat_rate",
        ),
    ],
)
def test_bad_or_uncovered_input_names_the_field(data, field):
    assert refused(data).field == field


def test_affected_quantity_never_exceeds_the_quantity():
    data = {
        "node": "after_issue",
        "outcome": "exchange",
        "quantity": 2,
        "affected_quantity": 3,
        "unit_price": 1,
    }
    assert refused(data).field == "affected_quantity"


def test_company_chart_mapping_is_used_for_codes_and_names():
    vouchers = generate(
        {"node": "litigation", "outcome": "litigation_costs", "costs": 1},
        chart={"660202": ("6602.09", "管理费用-诉讼费(自定义)")},
    )
    assert vouchers[0].lines[0].account_code == "6602.09"
    assert vouchers[0].lines[0].standard_code == "660202"


# --- cases once refused, decided in issue 12.3 (reasoning next to each rule in rules.py) ---------


def test_before_issue_exchange_not_invoiced_estimates_the_replacement_then_books_the_invoice():
    # 120 × 4,850.50 = 582,060.00; VAT 13% = 75,667.80; with VAT 657,727.80. No VAT on the estimate.
    data = {
        "node": "before_issue",
        "outcome": "exchange",
        "invoice_status": "not_invoiced",
        "quantity": 120,
        "unit_price": "4850.50",
    }
    assert booked(data) == [
        [("1403", D, "582060.00"), ("220201", C, "582060.00")],
        [("1403", D, "-582060.00"), ("220201", C, "-582060.00")],
        [("1403", D, "582060.00"), ("222101", D, "75667.80"), ("2202", C, "657727.80")],
    ]
    assert [v.date_basis for v in generate(data)] == ["booking", "next_period", "invoice_date"]
    assert booked({**data, "settlement": "prepaid"})[2][2] == ("1123", C, "657727.80")


def test_after_issue_allowance_not_yet_deducted_reduces_the_pending_input_vat():
    # A = 1,234.50; T_A = 160.485 -> 160.49; A + T_A = 1,394.99; no transfer-out (never deducted)
    data = {
        "node": "after_issue",
        "outcome": "allowance",
        "invoice_status": "invoiced_not_deducted",
        "allowance_amount": "1234.50",
        "cost_location": "wip",
    }
    assert booked(data) == [[("5001", D, "-1234.50"), ("222104", D, "-160.49"), ("2202", C, "-1394.99")]]
    assert generate(data)[0].date_basis == "red_form_date"


def test_after_issue_allowance_before_any_invoice_reduces_the_estimate_without_vat():
    # 10 × 500 × 5% = 250.00; no invoice, so no VAT and no red invoice
    data = {
        "node": "after_issue",
        "outcome": "allowance",
        "invoice_status": "not_invoiced",
        "affected_quantity": 10,
        "unit_price": 500,
        "allowance_rate": "0.05",
        "cost_location": "sold",
    }
    assert booked(data) == [[("6401", D, "-250.00"), ("220201", C, "-250.00")]]


def test_sales_return_before_the_invoice_reverses_the_pending_output_vat():
    # 5 × 8,000 = 40,000; T = 5,200 in 待转销项税额; cost 5 × 5,500 = 27,500
    data = {
        "node": "after_sale",
        "outcome": "return",
        "invoice_status": "not_invoiced",
        "affected_quantity": 5,
        "unit_price": 8000,
        "unit_cost": 5500,
    }
    assert booked(data) == [
        [("1122", D, "-45200.00"), ("6001", C, "-40000.00"), ("222105", C, "-5200.00")],
        [("6401", D, "-27500.00"), ("1405", C, "-27500.00")],
    ]


def test_only_the_final_write_off_needs_a_qualifying_condition():
    lost = generate({"node": "litigation", "outcome": "litigation_lost_prepayment", "prepaid_balance": 1})
    assert [v.evidence for v in lost] == ["evidence", "evidence", "write_off"]
    assert [v.date_basis for v in lost] == ["judgment_date", "judgment_date", "write_off_date"]
    stock = {"node": "litigation", "outcome": "litigation_lost_inventory", "affected_quantity": 1}
    assert generate({**stock, "unit_cost": 10, "net_realizable_value": 1})[0].evidence == "evidence"
