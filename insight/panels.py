"""The quality card on a complaint ticket's page: the way to its 8D report and, for the
roles that see money, what the ticket cost (registered through ui.panels)."""

from django.template.loader import render_to_string

from accounts.permissions import can

from .selectors import ZERO, ticket_costs


def ticket_quality_panel(request, ticket) -> str:
    if not can(request.user, "insight.report_8d"):
        return ""
    context = {"ticket": ticket, "cost": None}
    if can(request.user, "insight.cost"):
        parts, booked, recovered = ticket_costs([ticket.pk]).get(ticket.pk, (ZERO, ZERO, ZERO))
        context.update(cost=(parts, booked, recovered), net=parts + booked - recovered)
    return render_to_string("insight/_ticket_panel.html", context, request=request)
