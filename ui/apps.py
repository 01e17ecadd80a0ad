from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    """What the pages share: navigation, home page cards, record panels, widgets, template tags."""

    name = "ui"
    verbose_name = _("Pages")
