from decimal import Decimal, InvalidOperation
from html import escape

from django import template
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe

from accounts import permissions
from ui.labels import choice_label
from ui.panels import render_panels

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
    return mark_safe(render_panels(context["request"], obj))  # noqa: S308 - rendered templates


@register.filter
def fast_select(field) -> str:
    """A bound select field as HTML, its <option>s built in Python and escaped with the
    standard library: Django renders each option through a template, which made long
    customer lists the largest cost of a list page. Same markup; a widget's attributes
    (class, data-filterable) are kept."""
    value = field.value()
    chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v not in (None, "")}
    attrs = field.build_widget_attrs(
        {**field.field.widget.attrs, "name": field.html_name, "id": field.auto_id}
    )
    options = "".join(
        f'<option value="{escape(str(v))}"{" selected" if str(v) in chosen else ""}>{escape(str(t))}</option>'
        for v, t in field.field.choices
    )
    return mark_safe(f"<select{flatatt(attrs)}>{options}</select>")  # noqa: S308 - escaped above


@register.filter
def label(obj, field_name: str) -> str:
    """`{{ o|label:"stage" }}`: what get_stage_display() gives, without its cost (ui.labels)."""
    return choice_label(obj, field_name)
