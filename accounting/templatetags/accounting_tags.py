from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(value) -> str:
    """12345.6 -> '12,345.60' (a red-letter amount keeps its minus sign); None -> ''."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"


@register.inclusion_tag("accounting/_ticket_disputes.html", takes_context=True)
def ticket_disputes(context, ticket):
    """The quality-dispute card of a complaint ticket's page: finance may open one from the
    ticket; roles that may view accounting see its disputes and their vouchers."""
    from core.permissions import can

    from .. import selectors

    user = context["user"]
    may_view = can(user, "accounting.view")
    return {
        "ticket": ticket,
        "may_open": can(user, "accounting.dispute_edit"),
        "may_view": may_view,
        "disputes": selectors.ticket_disputes(ticket) if may_view else [],
    }
