from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The customer portal: public complaint form per customer, tracking page per ticket,
    satisfaction survey after archive (docs/portal.md). No login; secrets in the links."""

    name = "portal"
    verbose_name = _("Customer portal")
