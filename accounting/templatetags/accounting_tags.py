from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(value) -> str:
    """12345.6 -> '12,345.60' (a red-letter amount keeps its minus sign); None -> ''."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"


@register.filter
def direction(balance) -> str:
    """借 for a debit balance, 贷 for a credit one, 平 when nil (as a 余额表 prints them)."""
    return "借" if balance > 0 else "贷" if balance < 0 else "平"


@register.filter
def absolute(value):
    return abs(value)
