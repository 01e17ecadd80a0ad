"""SLA badges and durations for the ticket lists and page (see tickets/sla.py)."""

import datetime

from django import template
from django.template.loader import render_to_string
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


@register.simple_tag
def sla_badge(ticket) -> str:
    """Nothing, or one badge: a breached running clock, else one due soon.

    Most rows of a list carry no flag, so the badge template is rendered only for those
    that do (an inclusion tag would render it, empty, for all fifty rows).
    """
    clock = sla.flag(ticket)
    return render_to_string("tickets/_sla_badge.html", {"clock": clock}) if clock else ""


@register.simple_tag
def sla_clocks(ticket):
    return sla.clocks(ticket)


@register.simple_tag
def sla_state_times(ticket):
    return sla.time_in_states(ticket, ticket.events.all())
