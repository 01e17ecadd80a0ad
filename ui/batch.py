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

Compiling a dozen querysets to SQL costs more Python time than running them. A read that a
page makes on every request with only an id changing can be `prepared(key, build, *values)`:
its shape (SQL, columns, converters) is compiled once per process from `build` called with
stand-in values, and each later request only builds its queryset and puts its values
into that SQL. `build` must make the same SQL whatever the values, using only their primary
keys (instances) or themselves (numbers, strings); `settings.BATCH_VERIFY_SHAPES` (on in the
tests) compiles every prepared queryset as well and fails when the two differ. When only the
rows are wanted (the queryset itself is never handed to anyone), `prepared_rows` does not even
build the queryset: the rows are read into a copy of the shape's.
"""

import copy
import datetime
import decimal
import json
import uuid
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import Model, QuerySet
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


def _hand_over(queryset: QuerySet, compiler, rows: list) -> None:
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


# -- shapes: a read's SQL compiled once per process ------------------------------------------


class _Value:
    """Where a prepared read's value goes in its shape's parameters."""

    def __init__(self, index: int):
        self.index = index


@dataclass(frozen=True)
class _Shape:
    sql: str
    params: tuple  # the compiled parameters, a _Value where a value of the read goes
    compiler: object  # compiled: select, klass_info, converters (copied for each use)
    decoders: list | None
    template: QuerySet  # built from the stand-ins: copied to hold the rows of a PreparedRows
    stand_ins: tuple


_SHAPES: dict[tuple, _Shape | None] = {}  # None: this read cannot be prepared (runs as usual)
# The ids the shapes are compiled with: positive and within a 32-bit column's range, or the
# lookup would answer "nothing" without SQL; no value a read bakes in is one of them.
_STAND_IN = 2_147_480_000
_STAND_IN_TEXT = "\x1fstand-in "


def prepared(key: Hashable, build: Callable[..., QuerySet], *values) -> QuerySet:
    """`build(*values)`, marked so that fetch_together reuses the SQL compiled for `key` (the
    first time from `build` with stand-in values). The key names everything the SQL depends
    on besides the values (e.g. a role); values are ints, strings or saved model instances."""
    queryset = build(*values)
    queryset._batch_shape = (key, build, values)
    return queryset


@dataclass(frozen=True)
class PreparedRows:
    """A prepared read whose rows alone are wanted, for fetch_together or fetch (or to iterate):
    not even its queryset is built. The rows are what `list(build(*values))` gives, read into
    a copy of the shape's queryset (the stand-ins' related objects replaced by the values)."""

    key: Hashable
    build: Callable[..., QuerySet]
    values: tuple

    def __iter__(self):
        return iter(fetch(self))


def prepared_rows(key: Hashable, build: Callable[..., QuerySet], *values) -> PreparedRows:
    """As prepared(), for a read whose queryset nobody sees (a card's rows, the bell's)."""
    return PreparedRows(key, build, values)


def _stand_in(value, index: int):
    if isinstance(value, Model):
        return value.__class__(pk=_STAND_IN + index)  # (a lazy user: its model)
    if isinstance(value, str):
        return f"{_STAND_IN_TEXT}{index}\x1f"
    if isinstance(value, int) and not isinstance(value, bool):
        return _STAND_IN + index
    raise TypeError(f"prepared reads take ints, strings or model instances, not {type(value).__name__}")


def _param_of(value):
    return value.pk if isinstance(value, Model) else value


def _compile_shape(build: Callable[..., QuerySet], values: tuple) -> _Shape | None:
    stand_ins = tuple(_stand_in(value, i) for i, value in enumerate(values))
    queryset = build(*stand_ins)
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except (EmptyResultSet, FullResultSet):
        return None
    where = {_param_of(v): _Value(i) for i, v in enumerate(stand_ins)}
    shape_params = tuple(where.get(p, p) if isinstance(p, int | str) else p for p in params)
    placed = {p.index for p in shape_params if isinstance(p, _Value)}
    # A value the SQL does not carry as a parameter of its own (unused, or folded into a
    # pattern or a list) may change the SQL itself: such a read is compiled every time.
    folded = any(_STAND_IN_TEXT in p for p in shape_params if isinstance(p, str))
    if placed != set(range(len(values))) or folded:
        return None
    return _Shape(sql, shape_params, compiler, _decoders(compiler), queryset, stand_ins)


def _shape(key: Hashable, build: Callable[..., QuerySet], values: tuple) -> _Shape | None:
    if key not in _SHAPES:
        _SHAPES[key] = _compile_shape(build, values)
    return _SHAPES[key]


def _params(shape: _Shape, values: tuple) -> list:
    return [_param_of(values[p.index]) if isinstance(p, _Value) else p for p in shape.params]


def _verify(key: Hashable, queryset: QuerySet, shape: _Shape, params: list) -> None:
    """With settings.BATCH_VERIFY_SHAPES (the tests): the read's own SQL is the shape's."""
    if not getattr(settings, "BATCH_VERIFY_SHAPES", False):
        return
    sql, own = queryset.query.get_compiler(using=queryset.db).as_sql()
    if (sql, tuple(own)) != (shape.sql, tuple(params)):
        raise AssertionError(
            f"prepared read {key!r} makes other SQL than its shape:\n{sql}\n{own}\n"
            f"shape:\n{shape.sql}\n{params}"
        )


def _shape_of(queryset: QuerySet) -> tuple[_Shape, list] | None:
    """The queryset's shape (compiled the first time) and its parameters, or None."""
    marked = getattr(queryset, "_batch_shape", None)
    if marked is None:
        return None
    key, build, values = marked
    shape = _shape((key, queryset.db), build, values)
    if shape is None or shape.template.db != queryset.db:
        return None
    params = _params(shape, values)
    _verify(key, queryset, shape, params)
    return shape, params


def _rows_of(read: PreparedRows) -> tuple[QuerySet, tuple[_Shape, list] | None]:
    """The queryset to read a PreparedRows into, with its shape and parameters (or None: the
    read's own queryset, built and run as usual)."""
    shape = _shape((read.key, "rows"), read.build, read.values)
    if shape is None or connections[shape.template.db].vendor != "postgresql":
        return read.build(*read.values), None
    holder = shape.template._chain()
    # What a related manager's queryset knows (ticket.capa_checks: their ticket) is the read's
    # own instance, not the stand-in the shape was built with.
    real = {id(stand_in): value for stand_in, value in zip(shape.stand_ins, read.values, strict=True)}
    holder._known_related_objects = {
        field: {getattr(real.get(id(obj), obj), "pk", pk): real.get(id(obj), obj) for pk, obj in objs.items()}
        for field, objs in shape.template._known_related_objects.items()
    }
    params = _params(shape, read.values)
    if getattr(settings, "BATCH_VERIFY_SHAPES", False):
        own = read.build(*read.values)
        _verify(read.key, own, shape, params)
        if own._known_related_objects != holder._known_related_objects:
            raise AssertionError(f"prepared read {read.key!r} knows other related objects than its shape")
    return holder, (shape, params)


def _compiler_for(shape: _Shape, db: str):
    """The shape's compiler for one use, on this thread's connection."""
    compiler = copy.copy(shape.compiler)
    compiler.connection = connections[db]
    return compiler


def fetch_together(querysets: Mapping[str, QuerySet | PreparedRows]) -> dict[str, list]:
    """Evaluate every queryset (in one statement where possible) and return their rows."""
    alone, together = {}, {}
    resolved = {}
    for name, read in querysets.items():
        if isinstance(read, PreparedRows):
            resolved[name] = _rows_of(read)
        else:
            resolved[name] = (read, None)
    db = next(iter(resolved.values()))[0].db if resolved else None
    for name, (qs, prepared_as) in resolved.items():
        if qs._result_cache is not None or qs.db != db or connections[db].vendor != "postgresql":
            alone[name] = (qs, prepared_as)
            continue
        prepared_as = prepared_as or _shape_of(qs)
        if prepared_as is not None:
            shape, params = prepared_as
            if shape.decoders is None:
                alone[name] = (qs, prepared_as)
                continue
            together[name] = (qs, _compiler_for(shape, db), shape.sql, params, shape.decoders)
            continue
        compiler = qs.query.get_compiler(using=qs.db)
        try:
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet):  # e.g. filter(pk__in=[]): it answers itself
            alone[name] = (qs, None)
            continue
        decoders = _decoders(compiler)
        if decoders is None:
            alone[name] = (qs, None)
            continue
        together[name] = (qs, compiler, sql, params, decoders)
    if len(together) == 1:
        alone.update({name: (resolved[name][0], resolved[name][1]) for name in together})
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
    for qs, prepared_as in alone.values():
        _fetch_alone(qs, prepared_as)
    return {name: list(qs) for name, (qs, _prepared_as) in resolved.items()}


def _fetch_alone(queryset: QuerySet, prepared_as: tuple[_Shape, list] | None = None) -> None:
    """A queryset by itself: with its shape's SQL when it has one (PostgreSQL)."""
    if queryset._result_cache is not None or connections[queryset.db].vendor != "postgresql":
        queryset._fetch_all()
        return
    prepared_as = prepared_as or _shape_of(queryset)
    if prepared_as is None:
        queryset._fetch_all()
        return
    shape, params = prepared_as
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(shape.sql, params)
        rows = cursor.fetchall()
    _hand_over(queryset, _compiler_for(shape, queryset.db), rows)


def fetch(read: QuerySet | PreparedRows) -> list:
    """One read's rows (a prepared one with its shape's SQL)."""
    queryset, prepared_as = _rows_of(read) if isinstance(read, PreparedRows) else (read, None)
    _fetch_alone(queryset, prepared_as)
    return list(queryset)
