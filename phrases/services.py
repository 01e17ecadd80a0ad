"""Writes on the reply-template library."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can
from apperrors.exceptions import Forbidden, Invalid

from .models import ReplyTemplate
from .placeholders import PLACEHOLDERS, unknown_placeholders


def _checked(title: str, use: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Give the template a title.")]
    if use not in ReplyTemplate.Use.values:
        errors["use"] = [_("Choose when the template is used.")]
    if not body:
        errors["body"] = [_("Write the text.")]
    elif unknown := unknown_placeholders(body):
        errors["body"] = [
            _("Unknown placeholders: %(unknown)s. Use only %(known)s.")
            % {
                "unknown": "、".join("{" + u + "}" for u in unknown),
                "known": "、".join("{" + k + "}" for k in PLACEHOLDERS),
            }
        ]
    if errors:
        raise Invalid.for_fields(errors)
    return title, body


def reply_template_save(
    *, by: User, title: str, use: str, body: str, template: ReplyTemplate | None = None, active: bool = True
) -> ReplyTemplate:
    """Add a template, or change one (anyone who may edit the library; its history keeps who
    changed what). Titles are unique so the list reads unambiguously."""
    if not can(by, "phrases.edit"):
        raise Forbidden(_("Your role may not change the reply templates."))
    title, body = _checked(title, use, body)
    row = template or ReplyTemplate(created_by=by)
    row.title, row.use, row.body, row.active = title, use, body, active
    row._history_user = by
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        raise Invalid.for_fields({"title": [_("A template with this title already exists.")]}) from exc
    return row
