from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromisesConfig(AppConfig):
    """Promises made to customers (commitments): reminders, escalation, kept-on-time rates."""

    name = "promises"
    verbose_name = _("Promises")

    def ready(self) -> None:
        from ui.context_processors import add_nav_item
        from ui.dashboard import register_dashboard_card
        from ui.panels import register_panel

        from . import permissions  # noqa: F401  registers the promise actions
        from .dashboard import open_promises_card
        from .panels import record_promises_panel, record_promises_reads

        add_nav_item(_("My promises"), "commitments", "commitments.view", group=_("Promises"))
        register_dashboard_card(open_promises_card)
        register_panel("tickets.ticket", record_promises_panel, reads=record_promises_reads)
        add_nav_item(_("Promises kept"), "commitment-team", "commitments.team", group=_("Promises"))
