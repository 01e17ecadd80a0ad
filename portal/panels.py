"""The portal's card on a ticket's page (ui.panels): the tracking link and its QR code to
send the customer, the customer's form link for the salesperson, and the customer's rating."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.permissions import can
from tickets.models import Ticket

from . import selectors
from .models import Survey
from .qr import absolute, qr_svg, tracking_path


def ticket_portal_panel(request: HttpRequest, ticket: Ticket) -> str:
    track_url = absolute(tracking_path(ticket))
    link = None
    if can(request.user, "tickets.create"):
        link = (
            selectors.links_of(request.user).filter(customer=ticket.customer, revoked_at__isnull=True).first()
        )
    context = {
        "ticket": ticket,
        "track_url": track_url,
        "track_qr": qr_svg(track_url),
        "survey": Survey.objects.filter(ticket=ticket).first(),
        "may_issue": can(request.user, "tickets.create"),
        "link": link,
        "link_url": absolute(reverse("portal:complaint", args=[link.token])) if link else "",
    }
    return render_to_string("portal/_ticket_panel.html", context, request=request)
