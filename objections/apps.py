from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectionsConfig(AppConfig):
    name = "objections"
    verbose_name = _("Sales objections")

    def ready(self) -> None:
        from ui.context_processors import add_nav_item
        from ui.dashboard import register_dashboard_card
        from ui.timeline import register_customer_timeline

        from . import permissions  # noqa: F401  registers the objection actions
        from .selectors import customer_timeline_entries

        add_nav_item(_("Log objection"), "objections:log", "objections.log")
        add_nav_item(_("My objections"), "objections:mine", "objections.log")
        add_nav_item(_("Customers without objections"), "objections:quiet", "objections.log")
        add_nav_item(_("Playbook"), "objections:playbook", "objections.playbook")
        add_nav_item(_("Objection trends"), "objections:trends", "objections.trends")
        add_nav_item(_("Customer history"), "objections:customers", "objections.customer_history")
        register_customer_timeline(customer_timeline_entries)
        from .selectors import pending_objections_card

        register_dashboard_card(pending_objections_card)
