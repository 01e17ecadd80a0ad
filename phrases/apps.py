from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhrasesConfig(AppConfig):
    """What to say on the phone: the guide's techniques as prompts beside the intake and
    follow-up fields, and the shared library of reply templates."""

    name = "phrases"
    verbose_name = _("Phrases")

    def ready(self) -> None:
        from ui.context_processors import add_nav_item
        from ui.panels import register_panel

        from . import permissions  # noqa: F401  registers the actions
        from .panels import record_replies_panel, record_replies_reads

        add_nav_item(_("Reply templates"), "phrases:list", "phrases.view")
        register_panel("tickets.ticket", record_replies_panel, reads=record_replies_reads)
