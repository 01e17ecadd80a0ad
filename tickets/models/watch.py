"""Who watches a ticket: anyone may, and hears of every step and note like the people the
step is announced to (issue 17, point 4)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .ticket import Ticket


class Watcher(models.Model):
    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="watchers", verbose_name=_("ticket"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="watching", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("watching since"), auto_now_add=True)

    class Meta:
        verbose_name = _("watcher")
        verbose_name_plural = _("watchers")
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="one_watch_per_user")]

    def __str__(self) -> str:
        return f"{self.user} → {self.ticket}"
