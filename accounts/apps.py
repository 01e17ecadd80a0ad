from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared data")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(ensure_role_groups, sender=self)
        from . import permissions  # noqa: F401  registers the core actions
        from .context_processors import add_nav_item
        from .dashboard import open_promises_card, register_dashboard_card

        add_nav_item(_("My promises"), "commitments", "commitments.view", group=_("Promises"))
        register_dashboard_card(open_promises_card)
        add_nav_item(_("Promises kept"), "commitment-team", "commitments.team", group=_("Promises"))


def ensure_role_groups(sender, using="default", **kwargs) -> None:
    """One group per role, also after a database flush (which re-runs post_migrate, not the
    data migration): code may always rely on the role groups existing."""
    from django.contrib.auth.models import Group

    from .roles import Role

    for role in Role:
        Group.objects.using(using).get_or_create(name=role.value)
