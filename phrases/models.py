"""Reply templates: words that worked, shared by everyone who speaks with customers, with
placeholders filled from the complaint ({客户}, {单号}, …: phrases.placeholders)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from security.limits import TEXT_MAX


class ReplyTemplate(models.Model):
    class Use(models.TextChoices):
        INTAKE = "intake", _("Taking a complaint")
        PROGRESS = "progress", _("Telling the customer how it goes")
        FOLLOW_UP = "follow_up", _("Follow-up call")
        OBJECTION = "objection", _("Answering an objection")

    title = models.CharField(_("title"), max_length=100)
    use = models.CharField(_("used when"), max_length=12, choices=Use.choices)
    body = models.TextField(_("text"), max_length=TEXT_MAX)
    active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    history = HistoricalRecords()  # a shared text: who changed it, and what it said before

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["use", "title"]
        constraints = [models.UniqueConstraint(fields=["title"], name="one_reply_template_per_title")]

    def __str__(self) -> str:
        return self.title
