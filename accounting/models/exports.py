"""A journal export, written in the background so any size stays in flat memory."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .vouchers import Period


class ExportJob(models.Model):
    """A journal export written by the worker (accounting/tasks.py, docs/accounting.md#exports).

    pending --worker claims--> running --> done (file) / failed (error). `sent_at` is when the
    broker took the message: empty while the broker was down, and the sweep
    (`accounting.tasks.resend_export_jobs`, beat) sends it when the broker is back; it also
    sends again a job whose worker died mid-export, up to `tasks.MAX_ATTEMPTS` runs.
    One pending or running job per person and export (`key`): asking again gets the same job.
    """

    class Layout(models.TextChoices):
        GENERIC = "generic", _("Generic journal")
        KINGDEE = "kingdee", _("Kingdee K/3 WISE voucher import")
        U8 = "u8", _("Yonyou U8 voucher import")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    layout = models.CharField(_("layout"), max_length=16, choices=Layout.choices, default=Layout.GENERIC)
    file_format = models.CharField(_("format"), max_length=8, choices=Format.choices, default=Format.CSV)
    period = models.ForeignKey(Period, models.SET_NULL, null=True, blank=True, verbose_name=_("period"))
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_to = models.DateField(_("to"), null=True, blank=True)
    # Posted vouchers only, unless finance asks for the reviewed ones too (marked as not posted).
    include_reviewed = models.BooleanField(_("include reviewed vouchers not yet posted"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    file = models.FileField(_("file"), upload_to="exports/", blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    key = models.CharField(max_length=64, blank=True)  # what makes two requests the same export
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # worker runs begun (one unless a worker died)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    ACTIVE = (Status.PENDING, Status.RUNNING)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "key"],
                condition=models.Q(status__in=["pending", "running"]),
                name="accounting_exportjob_one_active",
            )
        ]
        indexes = [models.Index(fields=["status", "sent_at"], name="accounting_exportjob_waiting")]

    def __str__(self) -> str:
        return f"{self.get_layout_display()} {self.file_format} #{self.pk}"

    def filters(self) -> dict:
        return {
            "period": self.period,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "include_reviewed": self.include_reviewed,
        }

    @staticmethod
    def key_for(
        layout: str,
        file_format: str,
        period: Period | None = None,
        date_from: datetime.date | None = None,
        date_to: datetime.date | None = None,
        include_reviewed: bool = False,
    ) -> str:
        """The export's identity: layout, format and every filter."""
        scope = (period.pk if period else "", date_from or "", date_to or "", int(include_reviewed))
        return ":".join(str(part) for part in (layout, file_format, *scope))

    @property
    def unsent(self) -> bool:
        """Registered while the broker was down: the sweep sends it once it is back."""
        return self.status == self.Status.PENDING and self.sent_at is None

    def filename(self) -> str:
        scope = str(self.period) if self.period else f"{self.date_from or ''}_{self.date_to or ''}".strip("_")
        marked = "_with-reviewed" if self.include_reviewed else ""
        return f"vouchers_{self.layout}_{scope or 'all'}{marked}_{self.pk}.{self.file_format}"

    @property
    def state_label(self) -> str:
        return str(_("posted and reviewed (not posted)") if self.include_reviewed else _("posted"))

    @property
    def progress(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done_rows * 100 / self.total_rows) if self.total_rows else 0
