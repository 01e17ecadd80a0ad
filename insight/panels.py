"""The quality card on a complaint ticket's page: the way to its 8D report and, for the
roles that see money, what the ticket cost (registered through ui.panels)."""

from django.template.loader import render_to_string

from accounting.selectors import quality_costs_by_ticket, ticket_quality_cost_rows
from accounts.permissions import can
from tickets.models import Disposition
from ui.batch import prepared_rows

from .selectors import ZERO


def ticket_quality_reads(request, ticket) -> dict:
    if not (can(request.user, "insight.report_8d") and can(request.user, "insight.cost")):
        return {}
    return {
        "parts": prepared_rows("insight.ticket_parts", _parts_costs, ticket),
        "booked": prepared_rows("insight.ticket_booked", _booked, ticket.pk),
    }


def _parts_costs(ticket):
    forms = Disposition.objects.filter(ticket=ticket).order_by("created_at", "id")
    return forms.values_list("parts_cost", flat=True)


def _booked(ticket_id: int):
    return ticket_quality_cost_rows([ticket_id])


def ticket_quality_panel(request, ticket, rows) -> str:
    if not can(request.user, "insight.report_8d"):
        return ""
    context = {"ticket": ticket, "cost": None}
    if "parts" in rows:  # the roles that see money: as ticket_costs, from the page's reads
        parts = (rows["parts"][-1] if rows["parts"] else None) or ZERO
        booked, recovered = quality_costs_by_ticket(rows["booked"]).get(ticket.pk, (ZERO, ZERO))
        booked, recovered = booked or ZERO, recovered or ZERO
        context.update(cost=(parts, booked, recovered), net=parts + booked - recovered)
    return render_to_string("insight/_ticket_panel.html", context, request=request)
