"""SLA badges and durations for the ticket lists and page (see tickets/sla.py)."""

from django import template

from .. import sla
from ..selectors import sla_badge as badge_of
from ..sla import duration

register = template.Library()


register.filter("duration", duration)


@register.inclusion_tag("tickets/_sla_badge.html")
def sla_badge(ticket) -> dict:
    """`{% sla_badge ticket %}` on the ticket page: tickets.selectors.sla_badge's data, the
    markup in tickets/_sla_badge.html (the lists build theirs in tickets/_table.html)."""
    return {"badge": badge_of(ticket)}


@register.simple_tag
def sla_clocks(ticket):
    return sla.clocks(ticket)


@register.simple_tag
def sla_state_times(ticket):
    return sla.time_in_states(ticket, ticket.events.all())
