"""The preview contract shared by `manage.py dispute_vouchers` and POST /api/accounting/disputes/preview/.

Input: one JSON object (numbers as JSON numbers or strings). Output: {"vouchers": [{"lines": [...]}]}
or, for bad input, {"error": ..., "field": ...}. Nothing is saved.
"""

import json
from decimal import Decimal

from django.db import DatabaseError

from security.parsers import JSONBodyError
from security.parsers import loads as json_loads

from . import rules


def _chart() -> dict[str, tuple[str, str]] | None:
    from .selectors import chart_mapping

    try:
        return chart_mapping() or None
    except DatabaseError:  # no database (yet): the standard chart
        return None


def preview_text(text: str | bytes) -> tuple[dict, bool]:
    """(response object, ok). Floats are parsed as Decimal, so 0.1 stays 0.1."""
    try:
        data = json_loads(text, parse_float=Decimal)
    except JSONBodyError as exc:  # not JSON, nested too deep, a NUL byte: one rule for the API
        return {"error": str(exc.message), "field": None}, False
    return preview_data(data)


def preview_data(data) -> tuple[dict, bool]:
    try:
        return rules.as_contract(rules.generate(data, chart=_chart())), True
    except rules.DisputeInputError as exc:
        return exc.as_dict(), False


def dumps(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False)
