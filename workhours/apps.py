from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkhoursConfig(AppConfig):
    name = "workhours"
    verbose_name = _("Plant calendar")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import calendar
        from .models import PlantDay, WorkingPeriod

        # An edit in the admin is seen at once by this process; other processes reload
        # within calendar.RELOAD_SECONDS.
        for model in (PlantDay, WorkingPeriod):
            post_save.connect(calendar.forget, sender=model, dispatch_uid=f"workhours-{model.__name__}-save")
            post_delete.connect(calendar.forget, sender=model, dispatch_uid=f"workhours-{model.__name__}-del")
