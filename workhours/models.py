"""The plant calendar: working hours per weekday, and the plant's own days off and extra
working days. China's public holidays and make-up working days (调休) come from the
`chinese-calendar` library (workhours/calendar.py); a PlantDay overrides them, which is
also how a plant enters a year the library does not know yet."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingPeriod(models.Model):
    """One stretch of working time on a weekday (a day may have several: morning, afternoon)."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours per weekday")
        ordering = ["weekday", "start"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError({"end": _("The end must be after the start (same day).")})
        overlapping = WorkingPeriod.objects.filter(
            weekday=self.weekday, start__lt=self.end, end__gt=self.start
        ).exclude(pk=self.pk)
        if self.start is not None and self.end is not None and overlapping.exists():
            raise ValidationError(_("This overlaps another period of the same weekday."))


class PlantDay(models.Model):
    """A date the plant treats differently from the weekday and the national calendar."""

    class Kind(models.TextChoices):
        OFF = "off", _("Day off")
        WORKING = "working", _("Working day")

    date = models.DateField(
        _("date"), unique=True, error_messages={"unique": _("This date is already entered.")}
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=64, blank=True, help_text=_("e.g. 厂庆, 年度检修, 补班"))

    class Meta:
        verbose_name = _("plant day")
        verbose_name_plural = _("plant days off and extra working days")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
