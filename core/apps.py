from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared data")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  registers the core actions
        from .context_processors import add_nav_item

        add_nav_item(_("My promises"), "commitments", "commitments.view")
        add_nav_item(_("Promises kept"), "commitment-team", "commitments.team")
