from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import pgettext

from accounts import permissions
from ui.labels import choice_label

register = template.Library()


@register.filter
def can(user, action: str) -> bool:
    """`{% if request.user|can:"tickets.create" %}`"""
    return permissions.can(user, action)


@register.simple_tag
def can_do(user, action: str, obj=None) -> bool:
    """`{% can_do request.user "objections.edit" objection as may_edit %}`: the check on one
    record (the action's object rule too), which a filter cannot take two arguments for."""
    return permissions.can(user, action, obj)


@register.filter
def has_role(user, role: str) -> bool:
    return permissions.has_role(user, role)


@register.filter
def quantity(value) -> str:
    """A quantity without trailing zeros and never in exponent form: 5.000 -> 5, 100 -> 100."""
    if value in (None, ""):
        return ""
    try:
        return format(Decimal(value).normalize(), "f")
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


@register.filter
def label(obj, field_name: str) -> str:
    """`{{ o|label:"stage" }}`: what get_stage_display() gives, without its cost (ui.labels)."""
    return choice_label(obj, field_name)


@register.filter
def error_target(field) -> str:
    """The element a form's error summary links to: the field, or a radio group's first
    button (auto_id + "_0"). Never renders the field's options to find out."""
    return field.id_for_label or (f"{field.auto_id}_0" if field.auto_id else "")


@register.simple_tag
def colon() -> str:
    """The colon after a label, as the active language writes it: "Period: " / "期间：".
    Write `{% translate "Period" %}{% colon %}{{ value }}`."""
    return pgettext("label followed by its value", ": ")
