"""Links to send a customer, and their QR codes (segno: pure Python, SVG made on the server,
so no image service sees the secret in the link)."""

from functools import lru_cache

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from tickets.models import Ticket

from . import services


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def tracking_path(ticket: Ticket) -> str:
    access = services.ticket_access_for(ticket)
    return reverse("portal:track", args=[ticket.number, access.token])


@lru_cache(maxsize=512)
def qr_svg(url: str) -> SafeString:
    """The URL as an inline SVG QR code; segno writes the markup and escapes the URL.
    Kept per URL: encoding one takes longer than the rest of a ticket page's Python."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#000", omitsize=True)
    return mark_safe(svg)  # noqa: S308  segno's own markup, not user input
