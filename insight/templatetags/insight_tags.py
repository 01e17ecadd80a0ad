import json
from decimal import Decimal

from django import template
from django.utils.html import json_script

register = template.Library()


def _number(value) -> float:
    return float(value) if isinstance(value, Decimal | int | float) else 0.0


@register.simple_tag
def chart_data(bars, element_id: str, value_label: str = ""):
    """The chart's numbers for charts.js, as a JSON <script> (the table shows the same)."""
    data = {
        "labels": [str(b.label) for b in bars],
        "values": [_number(b.value) for b in bars],
        "drills": [b.drill for b in bars],
        "cumulative": [b.cumulative for b in bars],
        "valueLabel": str(value_label),
    }
    return json_script(json.loads(json.dumps(data)), f"{element_id}-data")


@register.filter
def bar_width(bar, bars) -> str:
    top = max((_number(b.value) for b in bars), default=0)
    return f"{100 * _number(bar.value) / top:.1f}" if top else "0"


@register.filter
def money(value) -> str:
    """¥1,234.50 (to the fen, thousands separated)."""
    if value is None:
        return ""
    return f"¥{Decimal(value):,.2f}"


@register.filter
def hours(value) -> str:
    return "" if value is None else f"{value:,.1f}"


@register.filter
def dictget(mapping, key):
    return mapping.get(key) if mapping else None
