"""The application's error type. Each error says why in the user's language, carries its
HTTP status and a stable machine-readable code, and optionally the messages per field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

NON_FIELD = "__all__"  # Django's key for errors that belong to no one field


class AppError(Exception):
    status = 400
    code = "invalid"
    default = _("The request was refused.")

    def __init__(
        self,
        message: Any = None,
        *,
        errors: Mapping[str, Iterable[Any] | Any] | None = None,
        field: str | None = None,
        code: str | None = None,
        **context: Any,
    ):
        self.message = str(message or self.default)
        if code:
            self.code = code
        # {field: [message, …]}; `field=` is the short form for a message about one field.
        self.errors: dict[str, list[str]] = {
            str(k): [str(m) for m in (v if isinstance(v, list | tuple) else [v])]
            for k, v in (errors or {}).items()
        }
        if field and field not in self.errors:
            self.errors[field] = [self.message]
        self.context = context  # extra facts for API clients, e.g. a ticket's state/version
        super().__init__(self.message)

    @property
    def field(self) -> str | None:
        """The first field the error is about (a form puts the cursor there)."""
        return next((f for f in self.errors if f != NON_FIELD), None)


class Invalid(AppError):
    """Bad input: the person can correct it."""

    status = 400
    code = "invalid"
    default = _("Some information is not valid.")

    @classmethod
    def for_fields(cls, errors: Mapping[str, Any]) -> Invalid:
        """Several fields at once ({field: message or [messages]}); the first message leads."""
        first = next(iter(errors.values()))
        return cls(first[0] if isinstance(first, list | tuple) else first, errors=errors)


class Forbidden(AppError):
    status = 403
    code = "forbidden"
    default = _("Your role may not do this.")


class NotFound(AppError):
    status = 404
    code = "not_found"
    default = _("Not found.")


class Conflict(AppError):
    """The request is fine but the record's state does not allow it (now)."""

    status = 409
    code = "conflict"
    default = _("This is not possible in the record's current state.")


def messages_by_field(exc: ValidationError) -> dict[str, list[str]]:
    """Django's ValidationError as {field: [messages]}; "__all__" when it names no field."""
    if hasattr(exc, "error_dict"):
        return {k: list(v) for k, v in exc.message_dict.items()}
    return {NON_FIELD: list(exc.messages)}


def invalid_from(exc: ValidationError) -> Invalid:
    """Django's ValidationError (a model's full_clean, a field's validators) as our Invalid."""
    errors = messages_by_field(exc)
    first = next(iter(errors.values()))[0]
    return Invalid(first, errors=errors)


def full_clean(instance: Model, **kwargs: Any) -> None:
    """`instance.full_clean(**kwargs)`, refusing with Invalid: services raise one error type."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        raise invalid_from(exc) from None
