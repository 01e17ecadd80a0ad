"""A notification's parameters: the template's context kept as JSON, so the message is worded
when it is read (the bell, the list) or sent (the worker), in the reader's language.

`dump` turns a context into JSON: records become references (read again when the message is
worded), dates and amounts keep their type, and objects of the classes registered with
`@param_type` (dataclasses: texts worded on demand, such as `Msg` or a ticket's next steps)
keep their fields. `load` turns it back. A record deleted since is `Gone`: the caller then
shows the text stored when the notification was written.
"""

import dataclasses
import datetime
import functools
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext

from ui.batch import fetch_together, prepared_rows

PARAM_TYPES: dict[str, type] = {}


def param_type(cls: type) -> type:
    """Register a dataclass whose instances may be notification parameters."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a dataclass")
    PARAM_TYPES[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return cls


class Gone(Exception):
    """A record the notification refers to no longer exists."""


class NotStorable(TypeError):
    """A context value that cannot be kept (e.g. an already translated lazy string)."""


@param_type
@dataclasses.dataclass(frozen=True)
class Msg:
    """A sentence worded when it is shown: a msgid (marked with gettext_noop) and its
    %-parameters, translated into the active language by str()."""

    msgid: str
    params: dict = dataclasses.field(default_factory=dict)

    def __str__(self) -> str:
        text = gettext(self.msgid)
        return text % self.params if self.params else text


def dump(value: Any) -> Any:
    if isinstance(value, Promise):  # a lazy translation would be stored in one language
        raise NotStorable("lazy strings cannot be kept; use Msg(gettext_noop(...))")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return {"$model": value._meta.label_lower, "pk": value.pk}
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"$seconds": value.total_seconds()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = f"{type(value).__module__}.{type(value).__qualname__}"
        if PARAM_TYPES.get(name) is not type(value):
            raise NotStorable(f"{name} is not registered with @param_type")
        fields = {f.name: dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$type": name, "fields": fields}
    if isinstance(value, dict):
        if any(str(k).startswith("$") for k in value):
            raise NotStorable("keys starting with $ are reserved")
        return {str(k): dump(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [dump(v) for v in value]
    raise NotStorable(f"{type(value).__name__} cannot be a notification parameter; use Msg or @param_type")


def load(value: Any, cache: dict | None = None) -> Any:
    """`cache` (optional) shares the records read between several notifications."""
    cache = {} if cache is None else cache
    if isinstance(value, list):
        return [load(v, cache) for v in value]
    if not isinstance(value, dict):
        return value
    if "$model" in value:
        key = (value["$model"], value["pk"])
        if key not in cache:
            try:
                model = apps.get_model(value["$model"])
                cache[key] = model._default_manager.get(pk=value["pk"])
            except (LookupError, models.ObjectDoesNotExist) as exc:
                raise Gone(value["$model"]) from exc
        return cache[key]
    if "$datetime" in value:
        return datetime.datetime.fromisoformat(value["$datetime"])
    if "$date" in value:
        return datetime.date.fromisoformat(value["$date"])
    if "$seconds" in value:
        return datetime.timedelta(seconds=value["$seconds"])
    if "$decimal" in value:
        return Decimal(value["$decimal"])
    if "$type" in value:
        cls = PARAM_TYPES.get(value["$type"])
        if cls is None:
            raise Gone(value["$type"])
        fields = {k: load(v, cache) for k, v in value["fields"].items()}
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in fields.items() if k in known})
    return {k: load(v, cache) for k, v in value.items()}


def references(value: Any, found: set | None = None) -> set[tuple[str, Any]]:
    """The (model label, pk) pairs a dumped value refers to."""
    found = set() if found is None else found
    if isinstance(value, list):
        for v in value:
            references(v, found)
    elif isinstance(value, dict):
        if "$model" in value:
            found.add((value["$model"], value["pk"]))
        else:
            for v in value.values():
                references(v, found)
    return found


def _records(model, *pks) -> QuerySet:
    return model._default_manager.select_related().filter(pk__in=pks)


def preload(values: list) -> dict:
    """One query per model for the records several dumped values refer to: a cache for `load`."""
    wanted: dict[str, set] = {}
    for label, pk in set().union(*(references(v) for v in values)) if values else ():
        wanted.setdefault(label, set()).add(pk)
    reads = {}
    for label, pks in wanted.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        # select_related(): what a subject names through a record (a ticket's customer) comes along.
        # Its SQL (every joined table's columns) is compiled once per model and number of ids.
        ids = sorted(pks, key=str)
        if all(type(pk) is int for pk in ids):
            build = functools.partial(_records, model)
            reads[label] = prepared_rows(("notify.preload", label, len(ids)), build, *ids)
        else:
            reads[label] = _records(model, *ids)
    cache: dict = {}
    for label, rows in fetch_together(reads).items():  # one round trip for all kinds (ui.batch)
        for obj in rows:
            cache[(label, obj.pk)] = obj
    return cache
