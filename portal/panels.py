"""The portal's card on a ticket's page (ui.panels): the tracking link and its QR code to
send the customer, the customer's form link for the salesperson, and the customer's rating."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.permissions import can
from tickets.models import Ticket
from ui.batch import prepared_rows

from . import selectors, services
from .models import Survey, TicketAccess
from .qr import absolute, qr_svg


def ticket_portal_reads(request: HttpRequest, ticket: Ticket) -> dict:
    reads = {
        "access": prepared_rows("portal.ticket_access", _access_of, ticket),
        "survey": prepared_rows("portal.ticket_survey", _survey_of, ticket),
    }
    if can(request.user, "tickets.create"):
        reads["link"] = prepared_rows("portal.ticket_link", _link_of, request.user, ticket.customer_id)
    return reads


def _access_of(ticket: Ticket):
    return TicketAccess.objects.filter(ticket=ticket)


def _link_of(user, customer_id: int):
    return selectors.links_of(user).filter(customer=customer_id, revoked_at__isnull=True).order_by("pk")[:1]


def _survey_of(ticket: Ticket):
    return Survey.objects.filter(ticket=ticket)


def ticket_portal_panel(request: HttpRequest, ticket: Ticket, rows: dict) -> str:
    # The tracking secret is made the first time anyone opens the ticket's page.
    access = rows["access"][0] if rows["access"] else services.ticket_access_for(ticket)
    track_url = absolute(reverse("portal:track", args=[ticket.number, access.token]))
    link = rows["link"][0] if rows.get("link") else None
    context = {
        "ticket": ticket,
        "track_url": track_url,
        "track_qr": qr_svg(track_url),
        "survey": rows["survey"][0] if rows["survey"] else None,
        "may_issue": can(request.user, "tickets.create"),
        "link": link,
        "link_url": absolute(reverse("portal:complaint", args=[link.token])) if link else "",
    }
    return render_to_string("portal/_ticket_panel.html", context, request=request)
