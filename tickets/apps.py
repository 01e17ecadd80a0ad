from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Complaint tickets")

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_save

        from documents.registry import register_attachable
        from documents.signals import document_attached
        from masterdata.models import Customer
        from ui.context_processors import add_nav_item
        from ui.dashboard import register_dashboard_card
        from ui.timeline import register_customer_timeline

        from . import permissions  # noqa: F401  registers the ticket actions
        from .receivers import on_document_attached, refresh_customer_tickets, remember_customer_names
        from .selectors import customer_timeline_entries

        add_nav_item(_("My work"), "tickets:my_work", "tickets.view")
        add_nav_item(_("New complaint"), "tickets:intake", "tickets.create")
        add_nav_item(_("All tickets"), "tickets:list", "tickets.view")
        add_nav_item(_("CAPA checks"), "tickets:capa", "tickets.capa_verify")
        add_nav_item(_("Installations"), "tickets:installations", "tickets.installation_view")
        add_nav_item(_("Purchase requests"), "tickets:purchases", "tickets.purchasing")
        register_customer_timeline(customer_timeline_entries)
        # Signed forms, test reports and judgments filed beside the photos (documents app).
        register_attachable("ticket", "tickets.Ticket", view="tickets.view")
        register_attachable("installation", "tickets.Installation", view="tickets.installation_view")
        document_attached.connect(on_document_attached, dispatch_uid="tickets.document_attached")
        pre_save.connect(remember_customer_names, sender=Customer, dispatch_uid="tickets.customer_names")
        post_save.connect(refresh_customer_tickets, sender=Customer, dispatch_uid="tickets.customer_renamed")
        from .selectors import my_work_card

        register_dashboard_card(my_work_card)
