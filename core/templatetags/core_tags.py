from decimal import Decimal, InvalidOperation

from django import template

from core import permissions

register = template.Library()


@register.filter
def can(user, action: str) -> bool:
    """`{% if request.user|can:"tickets.create" %}`"""
    return permissions.can(user, action)


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


@register.simple_tag(takes_context=True)
def record_panels(context, obj) -> str:
    """`{% record_panels ticket %}`: the cards other apps show on this record's page."""
    from django.utils.safestring import mark_safe

    from core.panels import render_panels

    return mark_safe(render_panels(context["request"], obj))  # noqa: S308 - rendered templates
