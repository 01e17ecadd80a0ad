"""The one DRF exception handler (REST_FRAMEWORK["EXCEPTION_HANDLER"]) and its schema.

Whatever refused the request — a service's AppError, Django's ValidationError or
PermissionDenied, a serializer, a permission class, a parser, a throttle, a 404 — the body
has one shape (`error_body`). `add_error_responses` (a drf-spectacular postprocessing
hook) documents that shape for every operation's 4xx answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import NON_FIELD, AppError, messages_by_field


def error_body(code: str, detail: Any, errors: Mapping[str, list] | None = None, **context: Any) -> dict:
    body: dict[str, Any] = {"code": code, "detail": str(detail)}
    if errors:
        body["errors"] = {str(k): [str(m) for m in v] for k, v in errors.items()}
    body.update(context)
    return body


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error details → {"field" or "parent.child" or "items.0.field": [messages]}."""
    if isinstance(detail, Mapping):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = NON_FIELD if key in ("non_field_errors", NON_FIELD) else str(key)
            for field, msgs in _flatten(value, f"{prefix}.{name}" if prefix else name).items():
                out.setdefault(field, []).extend(msgs)
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, Mapping | list) for item in detail):
            return {prefix or NON_FIELD: [str(item) for item in detail]}
        out = {}
        for index, item in enumerate(detail):
            for field, msgs in _flatten(item, f"{prefix}.{index}" if prefix else str(index)).items():
                out.setdefault(field, []).extend(msgs)
        return out
    return {prefix or NON_FIELD: [str(detail)]}


def _summary(errors: Mapping[str, list[str]]) -> str:
    return " ".join(m for msgs in errors.values() for m in msgs) or _("Some information is not valid.")


def to_api_exception(exc: Exception) -> Exception:
    """Our own and Django's errors as the APIException DRF answers with (status, headers)."""
    if isinstance(exc, AppError):
        api_exc = exceptions.APIException(exc.message, exc.code)
        api_exc.status_code = exc.status
        api_exc.body = error_body(exc.code, exc.message, exc.errors, **exc.context)
        return api_exc
    if isinstance(exc, DjangoValidationError):
        errors = messages_by_field(exc)
        api_exc = exceptions.ValidationError(errors)
        api_exc.body = error_body("invalid", _summary(errors), errors)
        return api_exc
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    return exc


def exception_handler(exc: Exception, context: dict):
    exc = to_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real server error: Django's 500 handling and logging
    body = getattr(exc, "body", None)
    if body is None:
        body = _body_for(exc)
    response.data = body
    return response


def _body_for(exc: exceptions.APIException) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        return error_body("invalid", _summary(errors), errors)
    detail = exc.detail
    code = exc.default_code
    if isinstance(detail, exceptions.ErrorDetail):
        code = detail.code or code
    elif isinstance(detail, list | dict):
        errors = _flatten(detail)
        return error_body(code, _summary(errors), errors)
    context = {}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        context["retry_after"] = int(exc.wait)
    if code == "permission_denied":
        code = "forbidden"
    return error_body(code, detail, **context)


# -- schema ------------------------------------------------------------------------------------

_ERROR_STATUSES = {
    "400": "Bad input: `errors` says what, per field.",
    "401": "Not signed in, or the token has expired.",
    "403": "Your role may not do this.",
    "404": "Not found.",
    "409": "The record's state does not allow this now.",
    "429": "Too many requests: wait `retry_after` seconds.",
}


def add_error_responses(result: dict, generator, request, public) -> dict:
    """Every operation may answer 400/401/403/404/409/429 with the one error body: say so in
    the schema (replacing any ad-hoc description a view declared for those codes)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = _error_schema()
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for status, description in _ERROR_STATUSES.items():
                if status == "409" and method == "get":
                    continue
                existing = responses.get(status, {})
                responses[status] = {
                    "description": existing.get("description") or description,
                    "content": {"application/json": {"schema": ref}},
                }
    return result


def _error_schema() -> dict:
    messages = {"type": "array", "items": {"type": "string"}}
    return {
        "type": "object",
        "description": "The one shape of every API error.",
        "properties": {
            "code": {"type": "string", "description": "Stable machine-readable reason."},
            "detail": {"type": "string", "description": "What went wrong, in the user's language."},
            "errors": {
                "type": "object",
                "additionalProperties": messages,
                "description": 'Messages per input field; "__all__" for those about no one field.',
            },
            "state": {"type": "string", "description": "Tickets: the ticket's state now."},
            "version": {"type": "integer", "description": "Tickets: the ticket's version now."},
            "retry_after": {"type": "integer", "description": "Throttled: seconds to wait."},
        },
        "required": ["code", "detail"],
    }
