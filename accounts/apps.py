from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles and "may this user do X". The label stays "core": the tables, migrations,
    content types, permission codenames and /admin/core/ URLs of the shared data predate the
    split of core into accounts, masterdata, promises and notify (docs/architecture.md)."""

    name = "accounts"
    label = "core"
    verbose_name = _("Shared data")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(ensure_role_groups, sender=self)
        from . import permissions  # noqa: F401  registers the core actions


def ensure_role_groups(sender, using="default", **kwargs) -> None:
    """One group per role, also after a database flush (which re-runs post_migrate, not the
    data migration): code may always rely on the role groups existing."""
    from django.contrib.auth.models import Group

    from .roles import Role

    for role in Role:
        Group.objects.using(using).get_or_create(name=role.value)
