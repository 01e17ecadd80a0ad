from html import escape

from django import forms, template
from django.utils.safestring import mark_safe

register = template.Library()

STATE_COLOURS = {
    "received": "primary",
    "planned": "info",
    "assigned": "info",
    "qc_review": "warning",
    "in_service": "primary",
    "confirming": "warning",
    "archived": "success",
    "rejected": "secondary",
    "reopened": "danger",
}


@register.filter
def bs(field):
    """Render a bound field with Bootstrap classes (and is-invalid when it has errors)."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def state_colour(state: str) -> str:
    return STATE_COLOURS.get(state, "secondary")


@register.filter
def fast_options(field) -> str:
    """<option>s of a long model choice (customers, products) built in Python, not one
    template each, and escaped with the standard library's escape: format_html per option
    was the largest single cost of the all-tickets page."""
    current = str(field.value() or "")
    rows = field.field.queryset.values_list("pk", "code", "name")
    return mark_safe(  # noqa: S308 - every value below is escaped
        "".join(
            f'<option value="{pk}"{" selected" if str(pk) == current else ""}>'
            f"{escape(str(code))} {escape(str(name))}</option>"
            for pk, code, name in rows
        )
    )
