"""One JSON body limit for the API.

LimitedJSONParser is the default parser (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]): a body
larger than API_JSON_MAX_BYTES, nested deeper than API_JSON_MAX_DEPTH or carrying a NUL
byte is a 400 before any serializer runs. Python's json module raises RecursionError on
deep nesting, which DRF's own parser does not catch (a 500).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JSONBodyError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def loads(text: str | bytes, *, max_depth: int | None = None, **kwargs):
    """json.loads, but nesting deeper than max_depth (API_JSON_MAX_DEPTH), a NUL byte in any
    string, NaN/Infinity or text that is not JSON raise JSONBodyError with a message in Chinese.
    Also for code that reads a raw body itself (the dispute preview keeps floats as Decimal)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JSONBodyError(_("The JSON body is not valid JSON.")) from exc
    try:
        data = json.loads(text, parse_constant=_reject_constant, **kwargs)
    except RecursionError as exc:
        raise JSONBodyError(_("The JSON body is nested too deeply.")) from exc
    except ValueError as exc:
        raise JSONBodyError(_("The JSON body is not valid JSON.")) from exc
    _check(data, settings.API_JSON_MAX_DEPTH if max_depth is None else max_depth)
    return data


def _check(value, max_depth: int) -> None:
    """Walk the parsed body without recursion: depth and NUL bytes."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > max_depth:
                raise JSONBodyError(_("The JSON body is nested too deeply."))
            children = item.items() if isinstance(item, dict) else ((None, v) for v in item)
            for key, child in children:
                if isinstance(key, str) and "\x00" in key:
                    raise JSONBodyError(_("The request contains a NUL byte."))
                stack.append((child, depth + 1))
        elif isinstance(item, str) and "\x00" in item:
            raise JSONBodyError(_("The request contains a NUL byte."))


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_JSON_MAX_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise ParseError(_("The JSON body is too large."))
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return loads(raw.decode(encoding))
        except UnicodeDecodeError as exc:
            raise ParseError(_("The JSON body is not valid JSON.")) from exc
        except JSONBodyError as exc:
            raise ParseError(exc.message) from exc


def _reject_constant(name: str):
    # NaN and Infinity are not JSON, and no amount or quantity may be one.
    raise ValueError(name)
