"""SLA badges and durations for the ticket lists and page (see tickets/sla.py)."""

import datetime
from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
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
def sla_badge(ticket, now: datetime.datetime | None = None) -> str:
    """Nothing, or one badge: a breached running clock, else one due soon.

    Built in Python rather than with a template: on a list of old, overdue tickets every
    one of the fifty rows carries a badge, and a template render per row costs more than
    the page's SQL.
    """
    clock = sla.flag(ticket, now)
    if not clock:
        return ""
    due = timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M")
    if clock.status == "breached":
        title = _("%(what)s was due %(due)s") % {"what": clock.label, "due": due}
        late = duration(clock.overdue_by)
        text = _("SLA breached: %(what)s +%(late)s") % {"what": clock.label, "late": late}
        colour, kind = "danger", "breached"
    else:
        title = _("%(what)s due %(due)s") % {"what": clock.label, "due": due}
        text = _("SLA due soon: %(what)s in %(left)s") % {"what": clock.label, "left": duration(clock.left)}
        colour, kind = "warning", "soon"
    return mark_safe(  # noqa: S308 - the texts are escaped, colour and kind are ours
        f'<div class="sla-flag-wrap"><span class="badge text-bg-{colour} sla-flag" '
        f'data-sla="{kind}" title="{escape(title)}">{escape(text)}</span></div>'
    )


@register.simple_tag
def sla_clocks(ticket):
    return sla.clocks(ticket)


@register.simple_tag
def sla_state_times(ticket):
    return sla.time_in_states(ticket, ticket.events.all())
