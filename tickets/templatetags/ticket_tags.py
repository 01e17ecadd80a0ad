from django import forms, template

from accounts.roles import Role

from ..selectors import STATE_COLOURS

register = template.Library()


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
def role_labels(values) -> str:
    """Role slugs (e.g. the departments copied at intake) as their names, comma-separated."""
    return "、".join(str(Role(v).label) for v in values or () if v in Role.values)


@register.filter
def state_colour(state: str) -> str:
    return STATE_COLOURS.get(state, "secondary")
