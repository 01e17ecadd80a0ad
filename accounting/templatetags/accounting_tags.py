from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(value) -> str:
    """12345.6 -> '12,345.60' (a red-letter amount keeps its minus sign); None -> ''."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"
