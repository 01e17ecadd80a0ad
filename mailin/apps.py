from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailinConfig(AppConfig):
    """Inbound e-mail: the polled mailbox, draft complaints from customers' mail, replies to
    notifications on the ticket's timeline (docs/mailin.md)."""

    name = "mailin"
    verbose_name = _("Inbound e-mail")

    def ready(self) -> None:
        from ui.context_processors import add_nav_item
        from ui.dashboard import register_dashboard_card
        from ui.panels import register_panel

        from . import permissions  # noqa: F401  registers the mailin actions
        from .panels import inbox_card, ticket_mail_panel, ticket_mail_reads

        add_nav_item(_("Inbound e-mail"), "mailin:list", "mailin.view")
        register_dashboard_card(inbox_card)
        register_panel("tickets.ticket", ticket_mail_panel, reads=ticket_mail_reads)
