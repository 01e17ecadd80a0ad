"""The one way pages show a service's refusal: on the form, field by field, or as a message."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest

from .exceptions import NON_FIELD, AppError, Forbidden, NotFound, messages_by_field


def _by_field(exc: AppError | ValidationError) -> dict[str, list[str]]:
    if isinstance(exc, AppError):
        return exc.errors or {NON_FIELD: [exc.message]}
    return messages_by_field(exc)


def _page_refusal(exc: AppError | ValidationError) -> None:
    """A page answers "not allowed" and "not found" as Django does (the 403 and 404 pages),
    whatever the service said them with; only what the person can act on goes on the page."""
    if isinstance(exc, Forbidden):
        raise PermissionDenied(exc.message) from exc
    if isinstance(exc, NotFound):
        raise Http404(exc.message) from exc


def add_to_form(form: Form, exc: AppError | ValidationError) -> None:
    """Each message on its field when the form has that field, else at the top of the form;
    an error that names no field shows its own message at the top."""
    _page_refusal(exc)
    for field, errors in _by_field(exc).items():
        form.add_error(field if field in form.fields else None, errors)


def flash(request: HttpRequest, exc: AppError | ValidationError) -> None:
    """For actions without a form (a button): the reasons as error messages on the next page."""
    _page_refusal(exc)
    for errors in _by_field(exc).values():
        for message in errors:
            messages.error(request, message)
