"""The preview contract shared by `manage.py dispute_vouchers` and POST /api/accounting/disputes/preview/.

Input: one JSON object (numbers as JSON numbers or strings). Output: {"vouchers": [{"lines": [...]}]}
or, for bad input, the API's error body {"code", "detail", "errors"}. Nothing is saved.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import DatabaseError
from django.utils.translation import gettext as _

from masterdata.models import MaterialBatch
from security.params import parse_int
from security.parsers import JSONBodyError
from security.parsers import loads as json_loads

from . import rules
from .selectors import chart_mapping

PURCHASE_NODES = ("before_issue", "after_issue", "litigation")
MAX_BODY_BYTES = 64 * 1024  # one dispute is a few hundred bytes; anything larger is refused


def batch_price(*, node: str | None, batch) -> Decimal | None:
    """Seed §2.2: a purchase-side dispute is valued at its material batch's own price, never a
    newer contract's. The one place this rule lives (services, the page, the API and the CLI)."""
    if batch is None or node not in PURCHASE_NODES:
        return None
    return batch.unit_price


def _chart() -> dict[str, tuple[str, str]] | None:
    try:
        return chart_mapping() or None
    except DatabaseError:  # no database (yet): the standard chart
        return None


@dataclass
class Plan:
    """What a dispute input books: the vouchers, the input as priced, and notes for people
    (e.g. a typed unit price replaced by the batch's)."""

    vouchers: list[rules.Voucher]
    data: dict
    batch: object = None
    typed_price: Decimal | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def dates(self) -> list:
        found = rules.parse_dates(self.data)
        return [rules.voucher_date(v, found) for v in self.vouchers]


def resolve(data: Mapping) -> tuple[dict, object, Decimal | None]:
    """The input as the rules take it: a `material_batch` (id) prices a purchase-side dispute
    at the batch's own price. Returns (input, batch, the unit price typed before it, if replaced)."""
    data = dict(data)
    raw = data.get("material_batch")
    if raw in (None, ""):
        return data, None, None
    pk = parse_int(raw)
    batch = None
    if pk is not None:
        batch = MaterialBatch.objects.filter(pk=pk).select_related("supplier").first()
    if batch is None:
        raise rules.DisputeInputError(_("This material batch does not exist."), "material_batch")
    price = batch_price(node=data.get("node"), batch=batch)
    typed = None
    if price is not None:
        try:
            typed = rules.parse_number("unit_price", data.get("unit_price"))
        except rules.DisputeInputError:
            typed = None
        data["unit_price"] = str(price)
    return data, batch, typed if typed is not None and typed != price else None


def plan(data) -> Plan:
    """The one preview path: the page, POST /api/accounting/disputes/preview/ and
    `manage.py dispute_vouchers` all come here. Raises DisputeInputError with the reason."""
    if not isinstance(data, Mapping):
        raise rules.DisputeInputError(_("The input must be one JSON object."))
    data, batch, typed = resolve(data)
    vouchers = rules.generate(data, chart=_chart())
    rules.check_dates(vouchers, rules.parse_dates(data))
    result = Plan(vouchers=vouchers, data=data, batch=batch, typed_price=typed)
    return result


def preview_text(text: str | bytes) -> tuple[dict, bool]:
    """(response object, ok). Floats are parsed as Decimal, so 0.1 stays 0.1."""
    if len(text) > MAX_BODY_BYTES:
        return rules.DisputeInputError(_("The input is too large.")).as_dict(), False
    try:
        data = json_loads(text, parse_float=Decimal)
    except JSONBodyError as exc:  # not JSON, nested too deep, a NUL byte: one rule for the API
        return rules.DisputeInputError(str(exc.message)).as_dict(), False
    return preview_data(data)


def preview_data(data) -> tuple[dict, bool]:
    try:
        return rules.as_contract(plan(data).vouchers), True
    except rules.DisputeInputError as exc:
        return exc.as_dict(), False


def dumps(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False)
