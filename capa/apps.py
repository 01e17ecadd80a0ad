from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapaConfig(AppConfig):
    """CAPA effectiveness checks of archived tickets. The model stays in tickets (CapaCheck)."""

    name = "capa"
    verbose_name = _("CAPA checks")

    def ready(self) -> None:
        from tickets.signals import actions_accepted, actions_reopened

        from .services import on_actions_accepted, on_actions_reopened

        actions_accepted.connect(on_actions_accepted, dispatch_uid="capa.on_actions_accepted")
        actions_reopened.connect(on_actions_reopened, dispatch_uid="capa.on_actions_reopened")

        from ui.panels import register_panel

        from .panels import my_work_capa_panel, ticket_capa_panel, ticket_capa_reads

        register_panel("tickets.ticket", ticket_capa_panel, reads=ticket_capa_reads)
        register_panel("tickets.my_work", my_work_capa_panel)
