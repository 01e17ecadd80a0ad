from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """A year of demo records written through every app's services (`seed_demo_data`)."""

    name = "demo"
    verbose_name = _("Demo data")
