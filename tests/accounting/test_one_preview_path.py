"""One preview path (issue 12.6): for the same random dispute, the page's live preview, the API,
`manage.py dispute_vouchers` and the saved dispute's vouchers are the same vouchers — the batch
price included, which only `preview.batch_price` applies."""

import datetime
import json
import re
import tempfile
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounting import services
from accounting.rules import RULES
from tests.factories import MaterialBatchFactory

from .factories import finance_pair

pytestmark = pytest.mark.django_db

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2)
qty = st.decimals(min_value=Decimal("1"), max_value=Decimal("9999"), places=3)
price = st.decimals(min_value=Decimal("2"), max_value=Decimal("99999"), places=4)
NUMBERS = ("quantity", "affected_quantity", "bonus_quantity", "unit_price", "unit_cost", "allowance_amount",
           "wages", "depreciation", "compensation_to_customer", "costs", "prepaid_balance")  # fmt: skip


@st.composite
def disputes(draw):
    node, outcome, status = draw(st.sampled_from(sorted(RULES)))
    data = {"node": node, "outcome": outcome, "vat_rate": draw(st.sampled_from(["0.13", "0.09", "0.06"]))}
    if status != "*":
        data["invoice_status"] = status
    q = draw(qty)
    data.update(
        quantity=str(q + draw(qty)),
        affected_quantity=str(q),
        bonus_quantity=str(draw(qty)),
        unit_price=str(draw(price)),
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
        booking_date="2026-11-20",
    )
    return data, draw(st.booleans()), draw(price)


def _page(client, data) -> list:
    body = client.post(reverse("accounting:dispute_preview"), data).content.decode()
    vouchers = re.split(r'data-voucher="\d+"', body)[1:]
    return [
        re.findall(r'data-account="([^"]*)" data-side="([^"]*)" data-amount="([^"]*)"', v) for v in vouchers
    ]


def _contract(result: dict) -> list:
    return [[(ln["account_code"], ln["side"], ln["amount"]) for ln in v["lines"]] for v in result["vouchers"]]


def _service(by, data, batch) -> list:
    fields = {k: v for k, v in data.items() if k not in ("booking_date", "material_batch")}
    for name in (*NUMBERS, "vat_rate", "net_realizable_value"):
        if name in fields:
            fields[name] = Decimal(fields[name])
    dispute = services.dispute_create(
        by=by, booking_date=datetime.date(2026, 11, 20), material_batch=batch, **fields
    )
    return [
        [(ln.account_code, ln.side, f"{ln.amount:.2f}") for ln in v.lines]
        for v in services.dispute_validate(dispute)
    ]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=disputes())
def test_page_api_cli_and_service_book_the_same_vouchers(client, case):
    data, with_batch, batch_price = case
    preparer, _ = finance_pair()
    batch = None
    if with_batch:
        batch = MaterialBatchFactory(unit_price=batch_price)
        data = {**data, "material_batch": str(batch.pk)}
    client.force_login(preparer)
    api = client.post(reverse("accounting-api:dispute-preview"), json.dumps(data), "application/json")
    assert api.status_code == 200, api.json()
    out = StringIO()
    with tempfile.NamedTemporaryFile("w", suffix=".json") as fh:
        json.dump(data, fh)
        fh.flush()
        call_command("dispute_vouchers", fh.name, stdout=out)
    expected = _contract(api.json())
    assert _contract(json.loads(out.getvalue())) == expected
    assert _page(client, data) == expected
    assert _service(preparer, data, batch) == expected
    if batch is not None and data["node"] in ("before_issue", "after_issue", "litigation"):
        # the typed price never wins over the batch's own
        assert api.json() == json.loads(
            client.post(
                reverse("accounting-api:dispute-preview"),
                json.dumps({**data, "unit_price": str(batch_price + 1)}),
                "application/json",
            ).content
        )
