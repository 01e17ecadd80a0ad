from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountingConfig(AppConfig):
    name = "accounting"
    verbose_name = _("Quality-dispute accounting")

    def ready(self) -> None:
        from ui.context_processors import add_nav_item
        from ui.dashboard import register_dashboard_card

        from . import permissions  # noqa: F401  registers the accounting actions

        add_nav_item(_("Quality disputes"), "accounting:dispute_list", "accounting.view")
        add_nav_item(_("Vouchers"), "accounting:voucher_list", "accounting.view")
        add_nav_item(_("Exports"), "accounting:export_list", "accounting.export")
        from .selectors import vouchers_waiting_card

        register_dashboard_card(vouchers_waiting_card)
        from ui.panels import register_panel

        from .selectors import ticket_disputes_panel, ticket_disputes_reads

        register_panel("tickets.ticket", ticket_disputes_panel, reads=ticket_disputes_reads)
