from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstallationsConfig(AppConfig):
    """Installation & commissioning records. The models stay in tickets (Installation, InstallationIssue)."""

    name = "installations"
    verbose_name = _("Installations")
