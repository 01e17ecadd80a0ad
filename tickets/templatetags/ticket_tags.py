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
def role_labels(values) -> str:
    """Role slugs (e.g. the departments copied at intake) as their names, comma-separated."""
    from core.roles import Role

    return "、".join(str(Role(v).label) for v in values or () if v in Role.values)


@register.filter
def state_colour(state: str) -> str:
    return STATE_COLOURS.get(state, "secondary")


@register.simple_tag
def ticket_rows(page) -> str:
    """The <tr>s of a ticket list, built in Python: fifty rows of about twenty template
    lookups each were most of a list page's time. Same markup as a template would give;
    every value is escaped. Labels come from core.labels and the clock is read once per
    page, not per row."""
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.text import Truncator
    from django.utils.translation import gettext

    from core.labels import choice_labels

    from ..models import Ticket
    from .sla_tags import sla_badge

    detail = reverse("tickets:detail", args=["NUMBER"])
    safety = escape(gettext("Safety"))
    states, severities = choice_labels(Ticket, "state"), choice_labels(Ticket, "severity")
    now = timezone.now()
    rows = []
    for t in page:
        lead = t.service_lead.display_name if t.service_lead_id else "—"
        product = t.product.name if t.product_id and t.product.name else "—"
        safety_badge = f' <span class="badge text-bg-danger">{safety}</span>' if t.safety else ""
        created = timezone.localtime(t.created_at).strftime("%Y-%m-%d %H:%M")
        by = t.created_by.display_name
        rows.append(
            "<tr>"
            f'<td class="text-nowrap"><a href="{escape(detail.replace("NUMBER", t.number))}" '
            f'class="fw-semibold">{escape(t.number)}</a></td>'
            f'<td class="text-nowrap"><span class="badge text-bg-{STATE_COLOURS.get(t.state, "secondary")}">'
            f"{escape(states.get(t.state, t.state))}</span>{sla_badge(t, now)}</td>"
            f"<td>{escape(t.customer.name)}</td>"
            f"<td>{escape(product)}</td>"
            f'<td class="ticket-desc">{escape(Truncator(t.description).chars(60))}</td>'
            f'<td class="text-nowrap">{escape(severities.get(t.severity, t.severity))}{safety_badge}</td>'
            f"<td>{escape(lead)}</td>"
            f'<td class="text-nowrap small text-secondary">{created}<br>{escape(by)}</td>'
            "</tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped
