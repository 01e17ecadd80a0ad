"""docs/voucher-rules.md is the rules table itself, so it cannot drift from what is booked."""

from pathlib import Path

from accounting.chart import DEFAULT_CHART
from accounting.rules import RULES
from accounting.rules_doc import AMOUNTS, PLACEHOLDERS, amount_names, render

DOC = Path(__file__).resolve().parents[2] / "docs" / "voucher-rules.md"


def test_the_committed_document_is_the_table():
    assert DOC.read_text(encoding="utf-8") == render(), "run: python manage.py voucher_rules_doc"


def test_every_amount_and_account_a_rule_uses_is_explained():
    assert amount_names() <= set(AMOUNTS), amount_names() - set(AMOUNTS)
    accounts = {line.account for vouchers in RULES.values() for v in vouchers for line in v.lines}
    known = set(DEFAULT_CHART) | set(PLACEHOLDERS)
    assert accounts <= known, accounts - known


def test_every_rule_is_in_the_document():
    text = render()
    for node, outcome, invoice in RULES:
        assert f"### {node} · {outcome} · {invoice}\n" in text
