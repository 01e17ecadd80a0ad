from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MasterdataConfig(AppConfig):
    """Customers, suppliers, products, shipments, material batches. Its models keep the "core"
    label (accounts.apps.AccountsConfig)."""

    name = "masterdata"
    verbose_name = _("Master data")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  registers the master data actions
