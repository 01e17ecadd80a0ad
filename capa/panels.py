"""The CAPA cards other pages show (ui.panels): a ticket's checks on its page, and the checks
due on QC's "my work". Registered in CapaConfig.ready(); tickets does not import capa."""

from django.template.loader import render_to_string

from ui.batch import prepared_rows

from .selectors import capa_card, capa_checks_query, capa_due_card


def ticket_capa_reads(request, ticket) -> dict:
    return {"checks": prepared_rows("capa.ticket_checks", capa_checks_query, ticket)}


def ticket_capa_panel(request, ticket, rows) -> str:
    data = capa_card(ticket, request.user, rows["checks"])
    if not data["checks"]:
        return ""
    return render_to_string("capa/_capa_card.html", data, request=request)


def my_work_capa_panel(request, user) -> str:
    data = capa_due_card(user)
    if not data["checks"]:
        return ""
    return render_to_string("capa/_capa_due.html", data, request=request)
