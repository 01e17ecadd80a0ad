"""Many small reads in one round trip.

A record's page shows a dozen short lists from as many tables (a ticket's timeline, its
step records, watchers, the cards of other apps). Each is a query of a millisecond or less,
so the page's time is mostly round trips and per-query overhead. `fetch_together` runs the
querysets as one statement on PostgreSQL — each becomes `(SELECT json_agg(row) FROM (…))`,
one column of a single-row result — and hands each queryset its rows, so it evaluates as if
it had run itself: model instances, select_related, values(), annotations. Its
prefetch_related lookups still run their own queries, only when there are rows to follow.

Elsewhere (SQLite), or for a queryset with a column type this does not decode, the
querysets simply run one by one.
"""

import datetime
import decimal
import json
import uuid
from collections.abc import Mapping

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.constants import MULTI

# How a value comes back in JSON, by the column's field type, to what the database driver
# would have returned (the fields' from_db_value then run as usual).
_DECODE = {
    "DateTimeField": datetime.datetime.fromisoformat,
    "DateField": datetime.date.fromisoformat,
    "TimeField": datetime.time.fromisoformat,
    "DecimalField": decimal.Decimal,
    "UUIDField": uuid.UUID,
    "FloatField": float,
    "JSONField": lambda value: json.dumps(_floats(value)),  # JSONField.from_db_value parses text
}
_AS_IS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "BigIntegerField",
    "IntegerField",
    "SmallIntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "BooleanField",
    "NullBooleanField",
    "CharField",
    "TextField",
    "SlugField",
    "EmailField",
    "URLField",
    "FileField",
    "ImageField",
    "FilePathField",
    "GenericIPAddressField",
    "ForeignKey",
    "OneToOneField",
}


class _Pairs(list):
    """A JSON object as its (key, value) pairs: a row's columns may share a name."""


def _floats(value):
    """The rows are parsed with Decimal for numbers (money stays exact); inside a JSON field a
    number with a fraction is what json.loads gives: a float (from the same digits)."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_floats(v) for v in value]
    return value


def _plain(value):
    if isinstance(value, _Pairs):
        return {k: _plain(v) for k, v in value}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _decoders(compiler) -> list | None:
    decoders = []
    for expression, _sql, _alias in compiler.select[: compiler.col_count]:
        kind = expression.output_field.get_internal_type()
        if kind in _DECODE:
            decoders.append(_DECODE[kind])
        elif kind in _AS_IS:
            decoders.append(None)
        else:
            return None
    return decoders


def _decode(raw, decoders) -> list[list]:
    rows = []
    for pairs in json.loads(raw, object_pairs_hook=_Pairs, parse_float=decimal.Decimal):
        row = []
        for (_key, value), decode in zip(pairs, decoders, strict=False):
            value = _plain(value)
            row.append(value if value is None or decode is None else decode(value))
        rows.append(row)
    return rows


def _hand_over(queryset: QuerySet, compiler, rows: list[list]) -> None:
    """Evaluate the queryset on these rows instead of a cursor: its iterable asks the query
    for a compiler, gets this one, and this one answers from the rows."""

    def execute_sql(result_type=MULTI, chunked_fetch=False, chunk_size=None):
        return [rows]

    compiler.execute_sql = execute_sql
    queryset.query.get_compiler = lambda *args, **kwargs: compiler
    try:
        queryset._fetch_all()
    finally:
        del queryset.query.get_compiler


def fetch_together(querysets: Mapping[str, QuerySet]) -> dict[str, list]:
    """Evaluate every queryset (in one statement where possible) and return their rows."""
    alone, together = {}, {}
    db = next(iter(querysets.values())).db if querysets else None
    for name, qs in querysets.items():
        if qs._result_cache is not None or qs.db != db or connections[db].vendor != "postgresql":
            alone[name] = qs
            continue
        compiler = qs.query.get_compiler(using=qs.db)
        try:
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet):  # e.g. filter(pk__in=[]): it answers itself
            alone[name] = qs
            continue
        decoders = _decoders(compiler)
        if decoders is None:
            alone[name] = qs
            continue
        together[name] = (qs, compiler, sql, params, decoders)
    if len(together) == 1:
        alone.update({name: entry[0] for name, entry in together.items()})
        together = {}
    if together:
        columns, params = [], []
        for _qs, _compiler, sql, qs_params, _decode_as in together.values():
            # The querysets' own compiled SQL with its parameters kept apart.
            columns.append(f"(SELECT coalesce(json_agg(to_json(s)), '[]')::text FROM ({sql}) s)")  # noqa: S608
            params.extend(qs_params)
        with connections[db].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(columns), params)
            result = cursor.fetchone()
        for raw, (qs, compiler, _sql, _params, decoders) in zip(result, together.values(), strict=True):
            _hand_over(qs, compiler, _decode(raw, decoders))
    for qs in alone.values():
        qs._fetch_all()
    return {name: list(qs) for name, qs in querysets.items()}
