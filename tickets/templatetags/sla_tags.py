"""SLA badges and durations for the ticket lists and page (see tickets/sla.py)."""

import datetime

from django import template
from django.utils.translation import gettext as _

from .. import sla

register = template.Library()


@register.filter
def duration(value: datetime.timedelta | None) -> str:
    """'2 d 3 h', '5 h 20 min', '12 min': the two largest units, never negative."""
    if value is None:
        return ""
    minutes = int(abs(value).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_("%(n)d d") % {"n": days})
    if hours:
        parts.append(_("%(n)d h") % {"n": hours})
    if minutes and not days:
        parts.append(_("%(n)d min") % {"n": minutes})
    return " ".join(parts[:2]) or _("%(n)d min") % {"n": 0}


@register.inclusion_tag("tickets/_sla_badge.html")
def sla_badge(ticket) -> dict:
    """`{% sla_badge ticket %}` on the ticket page: tickets.selectors.sla_badge's data, the
    markup in tickets/_sla_badge.html (the lists build theirs in tickets/_table.html)."""
    from ..selectors import sla_badge as badge_of

    return {"badge": badge_of(ticket)}


@register.simple_tag
def sla_clocks(ticket):
    return sla.clocks(ticket)


@register.simple_tag
def sla_state_times(ticket):
    return sla.time_in_states(ticket, ticket.events.all())
