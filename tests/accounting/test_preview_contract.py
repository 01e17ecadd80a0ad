"""The preview contract: `manage.py dispute_vouchers FILE|-` and POST /api/accounting/disputes/preview/."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounting.models import QualityDispute, Voucher
from accounts.roles import Role

ROOT = Path(__file__).resolve().parents[2]
RETURN = {
    "node": "after_issue",
    "outcome": "return",
    "invoice_status": "invoiced_deducted",
    "affected_quantity": 3,
    "unit_price": "1000.05",
}
EXPECTED = {
    "vouchers": [
        {
            "lines": [
                {"account_code": "5001", "account_name": "生产成本", "side": "debit", "amount": "-3000.15"},
                {"account_code": "1403", "account_name": "原材料", "side": "credit", "amount": "-3000.15"},
            ]
        },
        {
            "lines": [
                {"account_code": "1403", "account_name": "原材料", "side": "debit", "amount": "-3000.15"},
                {
                    "account_code": "222103",
                    "account_name": "应交税费-应交增值税(进项税额转出)",
                    "side": "credit",
                    "amount": "390.02",
                },
                {"account_code": "2202", "account_name": "应付账款", "side": "credit", "amount": "-3390.17"},
            ]
        },
    ]
}


def _without_summaries(result):
    for voucher in result["vouchers"]:
        for line in voucher["lines"]:
            assert set(line) == {"account_code", "account_name", "side", "amount", "summary"}
            assert line.pop("summary")
    return result


@pytest.mark.django_db
def test_cli_reads_a_file_and_prints_the_vouchers(tmp_path):
    path = tmp_path / "dispute.json"
    path.write_text(json.dumps(RETURN))
    out = StringIO()
    call_command("dispute_vouchers", str(path), stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) == {"vouchers"} and set(result["vouchers"][0]) == {"lines"}
    assert _without_summaries(result) == EXPECTED
    assert not QualityDispute.objects.exists() and not Voucher.objects.exists()


def _run_cli(stdin: str):
    return subprocess.run(
        [sys.executable, "manage.py", "dispute_vouchers", "-"],
        input=stdin.encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_cli_reads_standard_input():
    proc = _run_cli(json.dumps(RETURN))
    assert proc.returncode == 0, proc.stderr
    assert _without_summaries(json.loads(proc.stdout)) == EXPECTED


@pytest.mark.parametrize(
    ("stdin", "field"),
    [
        (
            '{"node": "after_issue", "outcome": "return", "invoice_status": "not_invoiced"}',
            "affected_quantity",
        ),
        ('{"node": "after_issue"}', "outcome"),
        ("not json", None),
        ("[1, 2]", None),
    ],
)
def test_cli_bad_input_exits_2_with_error_and_field(stdin, field):
    proc = _run_cli(stdin)
    assert proc.returncode == 2
    result = json.loads(proc.stdout)
    assert set(result) == {"code", "detail", "errors"} and list(result["errors"]) == [field or "__all__"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result["detail"])  # the reason is in Chinese


@pytest.mark.django_db
def test_cli_missing_file_exits_2():
    with pytest.raises(SystemExit) as info:
        call_command("dispute_vouchers", "/nonexistent/x.json", stdout=StringIO())
    assert info.value.code == 2


@pytest.mark.django_db
def test_api_preview_serves_the_same_contract(client, make_user):
    client.force_login(make_user(Role.FINANCE))
    response = client.post(reverse("accounting-api:dispute-preview"), json.dumps(RETURN), "application/json")
    assert response.status_code == 200
    assert _without_summaries(response.json()) == EXPECTED


@pytest.mark.django_db
def test_api_preview_keeps_decimal_precision_of_json_numbers(client, make_user):
    client.force_login(make_user(Role.FINANCE))
    body = '{"node": "litigation", "outcome": "litigation_costs", "costs": 0.1}'
    response = client.post(reverse("accounting-api:dispute-preview"), body, "application/json")
    assert response.json()["vouchers"][0]["lines"][0]["amount"] == "0.10"


@pytest.mark.django_db
def test_api_preview_bad_input_is_400_with_error_and_field(client, make_user):
    client.force_login(make_user(Role.FINANCE))
    body = {
        "node": "after_issue",
        "outcome": "in_kind_compensation",
        "invoice_status": "not_invoiced",
        "quantity": 100,
        "bonus_quantity": 5,
        "unit_price": 1,
        "cost_location": "wip",
    }
    response = client.post(reverse("accounting-api:dispute-preview"), json.dumps(body), "application/json")
    assert response.status_code == 400
    assert "unit_price" in response.json()["errors"] and "1元" in response.json()["detail"]


@pytest.mark.django_db
def test_api_preview_needs_a_role_that_may_preview(client, make_user):
    client.force_login(make_user(Role.SALES))
    response = client.post(reverse("accounting-api:dispute-preview"), json.dumps(RETURN), "application/json")
    assert response.status_code == 403


@pytest.mark.django_db
def test_api_preview_refuses_deep_or_huge_json_and_huge_amounts_with_a_reason(client, make_user):
    client.force_login(make_user(Role.FINANCE))
    url = reverse("accounting-api:dispute-preview")
    deep = "[" * 5000 + "]" * 5000
    assert client.post(url, deep, "application/json").status_code == 400
    assert client.post(url, '{"x": "' + "y" * 70000 + '"}', "application/json").status_code == 400
    body = {
        "node": "after_issue",
        "outcome": "exchange",
        "affected_quantity": "9999999999",
        "unit_price": "999999999",
    }
    response = client.post(url, json.dumps(body), "application/json")
    assert response.status_code == 400 and "上限" in response.json()["detail"]
    body = {**RETURN, "material_batch": "abc"}
    response = client.post(url, json.dumps(body), "application/json")
    assert response.status_code == 400 and "material_batch" in response.json()["errors"]


@pytest.mark.django_db
def test_hostile_query_values_on_the_accounting_pages_never_answer_500(client, make_user):
    client.force_login(make_user(Role.FINANCE))
    for value in ("abc", "²", "\x00", "9" * 10000, "-1"):
        for url in ("accounting:voucher_list", "accounting:dispute_create", "accounting:dispute_list"):
            for key in ("period", "shipment", "ticket", "state"):
                response = client.get(reverse(url), {key: value})
                assert response.status_code in (200, 400, 404), (url, key, value)
