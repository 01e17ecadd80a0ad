"""docs/voucher-rules.md, written from `rules.RULES` and the default chart, so the document
finance reads is the table the code books from (`manage.py voucher_rules_doc`; a test fails
when the committed file is not what this writes)."""

from __future__ import annotations

from .chart import DEFAULT_CHART
from .rules import COST_LOCATIONS, DATE_BASES, DEBIT, EVIDENCE, RULES, SETTLEMENTS, STOPPAGE_TYPES, WRITE_OFF

NODE_TITLES = {
    "before_issue": "Purchase side, before the material is issued (procedure §2.2)",
    "after_issue": "Purchase side, after the material was issued to production (procedure §2.3)",
    "after_sale": "Sales side, after our finished goods were sold (procedure §2.5)",
    "litigation": "Litigation (procedure §2.6)",
}
PLACEHOLDERS = {
    "@settlement": "settlement: "
    + " / ".join(f"{c} {DEFAULT_CHART[c]} ({k})" for k, c in SETTLEMENTS.items()),
    "@settlement_credit": "settlement, credit by default: "
    + " / ".join(f"{c} {DEFAULT_CHART[c]}" for c in SETTLEMENTS.values()),
    "@cost_location": "cost location: "
    + " / ".join(f"{c} {DEFAULT_CHART[c]} ({k})" for k, c in COST_LOCATIONS.items()),
    "@stoppage": "stoppage: "
    + " / ".join(f"{c} {DEFAULT_CHART[c]} ({k})" for k, c in STOPPAGE_TYPES.items()),
}
DATE_TITLES = {
    "booking": "the booking date",
    "next_period": "the 1st of the month after the booking date",
}
EVIDENCE_TITLES = {
    EVIDENCE: "an evidence file",
    WRITE_OFF: "an evidence file and a write-off condition (1)-(6)",
}

# What each amount name of a line template means (every name RULES uses must be here: tested).
AMOUNTS = {
    "N": "q·P: the affected quantity at the unit price, excl. VAT",
    "T": "N·r: its VAT",
    "NT": "N + T",
    "NA": "the accepted quantity (delivered − returned) at the unit price",
    "TA": "NA·r",
    "NAT": "NA + TA",
    "NF": "the full quantity at the unit price",
    "TF": "NF·r",
    "NFT": "NF + TF",
    "A": "the allowance (allowance_amount, or allowance_rate × affected quantity × unit price)",
    "TA_": "A·r",
    "AT": "A + TA_",
    "QC": "q·C: the affected quantity at unit cost",
    "IMPX": "the write-down of exchanged goods: q·C − net realizable value, when positive",
    "IMPK": "the write-down of lost inventory: K − net realizable value, K = q × unit cost",
    "W": "wages of the stoppage",
    "D": "depreciation of the stoppage",
    "WD": "W + D",
    "R": "what the supplier bears of a stoppage (supplier_recoverable, ≤ W + D)",
    "X": "the compensation paid to the customer",
    "RC": "the recourse to the supplier (≤ X)",
    "COSTS": "the litigation costs",
    "B": "the prepaid balance lost in the suit",
    "BONUS": "N·b/(q+b): the cost moved to b bonus units received without invoice",
}


HEADER = """# Voucher rules

Generated from `accounting/rules.py` (`RULES`) and the default chart `accounting/chart.py` by
`python manage.py voucher_rules_doc`; do not edit by hand. How to read it and the decisions
behind it: [accounting.md](accounting.md#the-rules).

Each rule is keyed by node · outcome · invoice status (`*`: any). Its vouchers are listed in
booking order, each with its business date, the evidence it needs before review, and its
lines: side, account, amount expression and, for stock lines, quantity expression. Amounts:
`N = q·P` (affected quantity × unit price, rounded half-up to the fen), `T = N·r` (VAT),
`NT = N + T`; a leading `-` books the amount red (negative on its usual side).
"""


def _legend() -> str:
    rows = "".join(f"| `{name}` | {meaning} |\n" for name, meaning in AMOUNTS.items())
    return f"\n| amount | meaning |\n|---|---|\n{rows}"


def amount_names() -> set[str]:
    """The amount names the rules' lines use (without their sign)."""
    return {line.amount.lstrip("+-") for vouchers in RULES.values() for v in vouchers for line in v.lines}


def _account(code: str) -> str:
    return PLACEHOLDERS.get(code) or f"{code} {DEFAULT_CHART.get(code, '')}".strip()


def render() -> str:
    out = [HEADER, _legend()]
    for node, title in NODE_TITLES.items():
        out.append(f"\n## {title}\n")
        for (key_node, outcome, invoice), vouchers in RULES.items():
            if key_node != node:
                continue
            out.append(f"\n### {node} · {outcome} · {invoice}\n")
            for number, voucher in enumerate(vouchers, 1):
                date = DATE_TITLES.get(voucher.date) or f"`{DATE_BASES[voucher.date]}`"
                facts = [f"on {date}"]
                if voucher.when:
                    facts.append(f"only when `{voucher.when}` > 0")
                if voucher.evidence:
                    facts.append(f"needs {EVIDENCE_TITLES[voucher.evidence]}")
                out.append(f"\n**V{number}** {voucher.summary} — {'; '.join(facts)}\n\n")
                out.append("| side | account | amount | quantity |\n|---|---|---|---|\n")
                for line in voucher.lines:
                    side = "Dr" if line.side == DEBIT else "Cr"
                    out.append(
                        f"| {side} | {_account(line.account)} | `{line.amount}` | {line.qty or ''} |\n"
                    )
    return "".join(out)
