from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    """The outbox: notifications by e-mail and in the header's bell (docs/notify.md)."""

    name = "notify"
    verbose_name = _("Notifications")
