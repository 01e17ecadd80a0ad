"""Periods, vouchers (记账凭证) and their lines.

A posted voucher is immutable: the database refuses UPDATE and DELETE of a posted voucher
and any change to its lines (triggers, migration 0003), so even a direct ORM
`.update()`/`.delete()` fails. Numbers are given at posting under a row lock on the
period's counter, so they are continuous and gapless per period and word.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .chart import Account
from .disputes import QualityDispute

# How each voucher word (凭证字) is written on the pages; the export keeps the stored word.
VOUCHER_WORDS = {"记": _("GJ")}


class Period(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("accounting period", "Open")
        CLOSED = "closed", pgettext_lazy("accounting period", "Closed")

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(pgettext_lazy("accounting period", "closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="period_unique_year_month"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="period_month_1_12"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class VoucherCounter(models.Model):
    """The last number given per period and voucher word; locked while a voucher is posted."""

    period = models.ForeignKey(Period, models.PROTECT, related_name="counters")
    word = models.CharField(max_length=4)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "word"], name="counter_unique_period_word")]

    def __str__(self) -> str:
        return f"{self.period} {self.word} {self.last_number}"


class Voucher(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEWED = "reviewed", _("Reviewed")
        POSTED = "posted", _("Posted")

    period = models.ForeignKey(Period, models.PROTECT, related_name="vouchers", verbose_name=_("period"))
    word = models.CharField(_("voucher word"), max_length=4, default="记")
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    date = models.DateField(_("date"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.DRAFT)
    summary = models.CharField(_("summary"), max_length=200)
    dispute = models.ForeignKey(
        QualityDispute,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="vouchers",
        verbose_name=_("dispute"),
    )
    generation = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    reverses = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="reversed_by", verbose_name=_("reverses")
    )
    attachments = models.PositiveSmallIntegerField(_("attachments"), default=0)
    # What must be on file before it may be reviewed or posted: "evidence" (a file) or
    # "write_off" (a file and a qualifying condition), from the rule that made it.
    evidence_required = models.CharField(_("evidence required"), max_length=10, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("preparer")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("poster"),
    )
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "word", "number"],
                condition=models.Q(number__isnull=False),
                name="voucher_unique_number",
            ),
            models.UniqueConstraint(
                fields=["dispute", "generation", "position"],
                condition=models.Q(position__isnull=False),
                name="voucher_unique_dispute_position",
            ),
            models.CheckConstraint(
                condition=models.Q(state="posted", number__isnull=False)
                | (~models.Q(state="posted") & models.Q(number__isnull=True)),
                name="voucher_number_iff_posted",
            ),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def word_label(self) -> str:
        """The voucher word as the reader's language writes it (记 is a general journal voucher)."""
        return str(VOUCHER_WORDS.get(self.word, self.word))

    @property
    def display_number(self) -> str:
        """记-0001 once posted; before that the draft's id: 记-草稿#7 (GJ draft #7 in English)."""
        if self.number is None:
            return gettext("%(word)s draft #%(id)s") % {"word": self.word_label, "id": self.pk}
        return f"{self.word_label}-{self.number:04d}"

    @property
    def is_posted(self) -> bool:
        return self.state == self.State.POSTED


class VoucherLine(models.Model):
    class Side(models.TextChoices):
        DEBIT = "debit", _("Debit")
        CREDIT = "credit", _("Credit")

    voucher = models.ForeignKey(Voucher, models.CASCADE, related_name="lines")
    line_no = models.PositiveSmallIntegerField(_("line"))
    account = models.ForeignKey(Account, models.PROTECT, related_name="+", verbose_name=_("account"))
    # The code and name booked (the company's own if mapped), kept as booked.
    account_code = models.CharField(_("account code"), max_length=32)
    account_name = models.CharField(_("account name"), max_length=64)
    side = models.CharField(_("side"), max_length=6, choices=Side.choices)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    summary = models.CharField(_("summary"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, null=True, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["voucher_id", "line_no"]
        constraints = [models.UniqueConstraint(fields=["voucher", "line_no"], name="line_unique_no")]

    def __str__(self) -> str:
        return f"{self.account_code} {self.side} {self.amount}"


EVENT_LABELS = {
    "created": _("created"),
    "reviewed": _("reviewed"),
    "unreviewed": _("review cancelled"),
    "posted": _("posted"),
    "reversed": _("reversed"),
}


class VoucherEvent(models.Model):
    """Who created, reviewed, posted or reversed a voucher, and when."""

    voucher = models.ForeignKey(Voucher, models.CASCADE, related_name="events", db_constraint=True)
    action = models.CharField(max_length=16)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.voucher_id} {self.action}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))
