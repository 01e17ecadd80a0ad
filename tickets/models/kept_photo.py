"""Photos of an intake form that came back with errors: kept until the form is saved."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def kept_photo_path(instance, filename: str) -> str:
    # `filename` is already "<uuid>.<ext>"; the ticket does not exist yet.
    return f"tickets/kept/{filename}"


class KeptPhoto(models.Model):
    """A browser cannot send a file twice: when the intake form fails validation, its valid
    photos are stored here under the form's intake token and attached to the ticket when
    the corrected form is saved. Rows older than a day are removed by a beat task."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    intake_token = models.UUIDField(_("intake token"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    image = models.ImageField(_("photo"), upload_to=kept_photo_path)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("photo kept for an unsaved complaint")
        verbose_name_plural = _("photos kept for unsaved complaints")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name or str(self.uid)
