from django import template
from django.utils import timezone

from accounts.permissions import can
from capa.selectors import capa_due

register = template.Library()

DUE_SHOWN = 10


@register.inclusion_tag("capa/_capa_due.html", takes_context=True)
def capa_due_card(context):
    """ "My work" of QC: the CAPA checks due (one query, and none for other roles)."""
    user = context["user"]
    if not can(user, "tickets.capa_verify"):
        return {"checks": []}
    checks = list(capa_due()[: DUE_SHOWN + 1])
    return {"checks": checks[:DUE_SHOWN], "more": len(checks) > DUE_SHOWN, "today": timezone.localdate()}


@register.inclusion_tag("capa/_capa_card.html", takes_context=True)
def capa_card(context, ticket):
    """The ticket page's CAPA checks (one query)."""
    checks = list(ticket.capa_checks.select_related("verified_by").order_by("-due_on", "-id"))
    return {
        "checks": checks,
        "may_verify": can(context["user"], "tickets.capa_verify"),
        "today": timezone.localdate(),
    }
