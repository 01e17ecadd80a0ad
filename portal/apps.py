from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The customer portal: public complaint form per customer, tracking page per ticket,
    satisfaction survey after archive (docs/portal.md). No login; secrets in the links."""

    name = "portal"
    verbose_name = _("Customer portal")

    def ready(self) -> None:
        from ui.context_processors import add_nav_item
        from ui.panels import register_panel

        from .panels import ticket_portal_panel, ticket_portal_reads

        add_nav_item(_("Customer form links"), "portal:links", "tickets.create")
        register_panel("tickets.ticket", ticket_portal_panel, reads=ticket_portal_reads)
