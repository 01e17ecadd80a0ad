from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapaConfig(AppConfig):
    """CAPA effectiveness checks of archived tickets. The model stays in tickets (CapaCheck)."""

    name = "capa"
    verbose_name = _("CAPA checks")

    def ready(self) -> None:
        from tickets.signals import ticket_moved

        from .services import on_ticket_moved

        ticket_moved.connect(on_ticket_moved, dispatch_uid="capa.on_ticket_moved")
