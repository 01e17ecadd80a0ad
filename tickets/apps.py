from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Complaint tickets")

    def ready(self) -> None:
        from ui.context_processors import add_nav_item
        from ui.dashboard import register_dashboard_card
        from ui.timeline import register_customer_timeline

        from . import permissions  # noqa: F401  registers the ticket actions
        from .selectors import customer_timeline_entries

        add_nav_item(_("My work"), "tickets:my_work", "tickets.view")
        add_nav_item(_("New complaint"), "tickets:intake", "tickets.create")
        add_nav_item(_("All tickets"), "tickets:list", "tickets.view")
        add_nav_item(_("CAPA checks"), "tickets:capa", "tickets.capa_verify")
        add_nav_item(_("Installations"), "tickets:installations", "tickets.installation_view")
        add_nav_item(_("Purchase requests"), "tickets:purchases", "tickets.purchasing")
        register_customer_timeline(customer_timeline_entries)
        from .selectors import my_work_card

        register_dashboard_card(my_work_card)
