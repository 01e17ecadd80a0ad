from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstallationsConfig(AppConfig):
    """Installation & commissioning records. The models stay in tickets (Installation, InstallationIssue,
    InstallationEvent)."""

    name = "installations"
    verbose_name = _("Installations")

    def ready(self) -> None:
        from ui.dashboard import register_dashboard_card
        from ui.panels import register_panel

        from .panels import my_work_improvements_panel
        from .selectors import improvements_dashboard_card

        register_panel("tickets.my_work", my_work_improvements_panel)
        register_dashboard_card(improvements_dashboard_card)
