from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    """Dashboards, the cost of poor quality, 8D and monthly reports: reads only."""

    name = "insight"
    verbose_name = _("Quality insight")

    def ready(self) -> None:
        from ui.context_processors import add_nav_item
        from ui.panels import register_panel

        from . import (
            permissions,  # noqa: F401  registers the insight actions
            report_jobs,  # noqa: F401  registers the report PDF tasks with Celery
        )
        from .panels import ticket_quality_panel, ticket_quality_reads

        add_nav_item(_("Quality dashboard"), "insight:dashboard", "insight.view")
        add_nav_item(_("Service levels"), "insight:service_levels", "insight.view")
        add_nav_item(_("Monthly report"), "insight:monthly_report", "insight.view")
        register_panel("tickets.ticket", ticket_quality_panel, reads=ticket_quality_reads)
