"""Summary tables behind the figures that a live query cannot answer in time at scale
(docs/insight.md, "Speed at scale"): one row per ticket with a cost, one row per completed
stay of a ticket in a step. Both carry the ticket's filter dimensions (intake time,
product, customer, supplier, root cause) so the dashboard's filters apply without a join.
They are rebuilt by `insight.services.refresh_summaries` (beat task, management command,
end of the demo data); `SummaryRefresh` says as of when.

`ReportJob`: a report PDF built in the background (insight/report_jobs.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SummaryRefresh(models.Model):
    """The one row saying when the summaries were last brought up to date."""

    name = models.CharField(max_length=16, primary_key=True)
    as_of = models.DateTimeField(_("data as of"))
    full_at = models.DateTimeField(_("last full rebuild"))
    clock = models.CharField(max_length=8)  # the SLA clock the hours were counted on
    tickets = models.PositiveIntegerField(default=0)  # tickets brought up to date last time
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("summary refresh")

    def __str__(self) -> str:
        return f"{self.name} {self.as_of:%Y-%m-%d %H:%M}"


class _TicketDimensions(models.Model):
    ticket_created_at = models.DateTimeField()
    product_id = models.BigIntegerField(null=True)
    customer_id = models.BigIntegerField(null=True)
    supplier_id = models.BigIntegerField(null=True)
    root_cause_category = models.CharField(max_length=16, blank=True)

    class Meta:
        abstract = True


class CostLine(_TicketDimensions):
    """A ticket's cost of poor quality: parts on its current disposition form, what its
    quality disputes booked in posted vouchers and what suppliers bear. Only tickets with
    any of the three have a row."""

    ticket_id = models.BigIntegerField(primary_key=True)
    number = models.CharField(max_length=20)
    parts = models.DecimalField(max_digits=16, decimal_places=2)
    booked = models.DecimalField(max_digits=16, decimal_places=2)
    recovered = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        indexes = [models.Index(fields=["ticket_created_at"], name="insight_cost_created")]

    def __str__(self) -> str:
        return self.number


class StepStay(_TicketDimensions):
    """One completed stay of a ticket in a state, in hours on the SLA clock, and who moved
    it on (the actor of the state change that ended it)."""

    ticket_id = models.BigIntegerField(db_index=True)
    state = models.CharField(max_length=12)
    actor_id = models.BigIntegerField()
    hours = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["ticket_created_at", "state"], name="insight_stay_created")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.state} {self.hours:.1f} h"


class ReportJob(models.Model):
    """A report PDF (the monthly quality report, a ticket's 8D report) built by the worker for
    the person who asked, then downloaded by them (docs/insight.md, "Report PDFs").

    queued --worker claims--> running --> done (file) / failed (error). `sent_at` is when the
    broker took the message: empty while the broker was down, and the sweep
    (`insight.report_jobs.resend_report_jobs`, beat) sends it when the broker is back; it
    also sends again a job whose worker died mid-build, up to `MAX_ATTEMPTS` runs.
    One queued or running job per person and report (`key`): a second click gets the same job.
    """

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly quality report")
        EIGHT_D = "8d", _("8D report")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready to download")
        FAILED = "failed", _("Build failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("report"), max_length=8, choices=Kind.choices)
    params = models.JSONField(_("parameters"), default=dict)  # {"month": "2026-10"} / {"number": "KS-…"}
    key = models.CharField(max_length=64)  # kind and parameters: what makes two requests the same
    language = models.CharField(max_length=8, default="zh-hans")  # the PDF is worded in the asker's
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    shows_cost = models.BooleanField(default=False)  # the PDF holds money: only for insight.cost
    file = models.FileField(_("file"), upload_to="reports/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # worker runs begun (one unless a worker died)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report PDF")
        verbose_name_plural = _("report PDFs")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "key"],
                condition=models.Q(status__in=["queued", "running"]),
                name="insight_reportjob_one_active",
            )
        ]
        indexes = [models.Index(fields=["status", "sent_at"], name="insight_reportjob_waiting")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject} #{self.pk}"

    @property
    def subject(self) -> str:
        """The month or the ticket number the report is about."""
        return self.params.get("month") or self.params.get("number") or ""

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE

    def filename(self) -> str:
        if self.kind == self.Kind.MONTHLY:
            return f"quality-report-{self.subject}.pdf"
        return f"8D-{self.subject}.pdf"


class StayRollup(models.Model):
    """StepStay counted per month of intake, root cause, state, who moved it on and hours
    rounded to the tenth the pages show (`tenths` = floor(hours × 10 + 0.5)), with the
    exact shortest and longest stay of the cell. That keeps the median and the 90th
    percentile exact as shown: the rank's cell gives the tenth, and a median between two
    cells is the mean of the lower cell's `high` and the upper cell's `low`. Rebuilt by
    `refresh_summaries` for the months of the tickets it recomputed."""

    month = models.DateField()  # first day of the (local) month of intake
    root_cause_category = models.CharField(max_length=16, blank=True)
    state = models.CharField(max_length=12)
    actor_id = models.BigIntegerField()
    tenths = models.IntegerField()
    stays = models.PositiveIntegerField()
    low = models.FloatField()
    high = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["month", "root_cause_category"], name="insight_stayroll_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.state} {self.tenths / 10:.1f} h × {self.stays}"


class RepeatLink(models.Model):
    """A ticket with a product and defect and the ticket before it with the same two (any
    customer): a repeat failure when the gap is within the months asked for. Carries the
    later ticket's filter dimensions. Recomputed by `refresh_summaries` per (product,
    defect) series a changed ticket is or was in."""

    ticket_id = models.BigIntegerField(primary_key=True)
    created_at = models.DateTimeField()
    product_id = models.BigIntegerField()
    defect_type_id = models.BigIntegerField()
    customer_id = models.BigIntegerField(null=True)
    supplier_id = models.BigIntegerField(null=True)
    root_cause_category = models.CharField(max_length=16, blank=True)
    prev_id = models.BigIntegerField()
    prev_number = models.CharField(max_length=20)
    prev_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["created_at"], name="insight_repeat_created"),
            models.Index(fields=["product_id", "defect_type_id"], name="insight_repeat_series"),
            models.Index(fields=["prev_id"], name="insight_repeat_prev"),
        ]

    def __str__(self) -> str:
        return f"{self.prev_number} → {self.ticket_id}"
