"""An uploaded document (PDF, image, Office file), stored through Django's storage API under a
generated name; the name the person gave it is kept for display and download only."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils.translation import gettext_lazy as _


def document_path(instance: "Document", filename: str) -> str:
    # A generated name: nothing the uploader typed reaches the storage path.
    return f"documents/{instance.uid.hex[:2]}/{instance.uid.hex}.{instance.extension}"


class Document(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200)
    extension = models.CharField(_("type"), max_length=8)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


class Attachment(models.Model):
    """A document filed on a record (a complaint, an installation): the signed disposition
    form, a test report, a judgment. The record's own app decides who may see it."""

    class Kind(models.TextChoices):
        SIGNED_FORM = "signed_form", _("Signed form (disposition, rectification record)")
        TEST_REPORT = "test_report", _("Test or inspection report")
        JUDGMENT = "judgment", _("Judgment, award or agreement")
        DRAWING = "drawing", _("Drawing or standard")
        CORRESPONDENCE = "letter", _("Letter or e-mail from the customer")
        OTHER = "other", _("Other")

    document = models.OneToOneField(
        Document, models.PROTECT, related_name="attachment", verbose_name=_("file")
    )
    source_type = models.ForeignKey("contenttypes.ContentType", models.PROTECT)
    source_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("source_type", "source_id")
    kind = models.CharField(_("kind of document"), max_length=12, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attached document")
        verbose_name_plural = _("attached documents")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["source_type", "source_id"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.document.original_name}"
