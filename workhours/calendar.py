"""Which hours of which days the plant works, and the running total of working seconds.

A day's working periods come, in this order of precedence, from:
1. a PlantDay (admin): the plant's own day off, or an extra working day;
2. China's public holidays (off) and make-up working days (调休, working) from the
   `chinese-calendar` library, for the years it knows (it raises for others rather than
   guess: 1.11.0 knows 2004–2026; a plant enters a newer year as PlantDays until the
   library is upgraded);
3. the weekday's WorkingPeriods (admin; seeded Monday–Friday 08:30–12:00, 13:00–17:30).

A working day that falls on a weekday without periods of its own (a make-up Saturday)
works the "standard" periods: those of the first weekday that has any (Monday).

`Calendar.cum(t)` is the number of working seconds from a fixed origin to the instant t;
elapsed working time is a difference of two of them, and adding working time is its
inverse (a bisection over per-day totals), so neither walks day by day.
"""

import bisect
import datetime
import threading
import time
from functools import cache

import chinese_calendar
from django.utils import timezone

from .models import PlantDay, WorkingPeriod

RELOAD_SECONDS = 300  # other processes see an admin edit within this long
ORIGIN = datetime.date(2010, 1, 1)
DAY = datetime.timedelta(days=1)

_lock = threading.Lock()
_cached: "Calendar | None" = None
_loaded_at = 0.0


@cache
def library_years() -> tuple[int, int]:
    """The first and last year chinese-calendar has official holiday data for."""
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


def library_knows(year: int) -> bool:
    first, last = library_years()
    return first <= year <= last


class Calendar:
    def __init__(self, periods: dict[int, list[tuple[datetime.time, datetime.time]]], plant_days: dict):
        self.tz = timezone.get_default_timezone()
        self.periods = periods
        self.standard = next((periods[w] for w in range(7) if periods.get(w)), [])
        self.plant_days = plant_days  # date -> "off" | "working"
        self._spans: dict[datetime.date, tuple[tuple[float, float], ...]] = {}
        # _day_cum[i] = working seconds from ORIGIN to the start of day ORIGIN + i
        self._day_cum: list[float] = [0.0]

    # -- days ---------------------------------------------------------------------------
    def kind(self, day: datetime.date) -> tuple[str, str]:
        """("working" | "off", why) for a date: why names the rule that decided."""
        plant = self.plant_days.get(day)
        if plant is not None:
            return plant, "plant"
        if library_knows(day.year):
            if day in chinese_calendar.holidays:
                return "off", "holiday"
            if day in chinese_calendar.workdays:
                return "working", "makeup"
        return ("working" if self.periods.get(day.weekday()) else "off"), "weekday"

    def periods_on(self, day: datetime.date) -> list[tuple[datetime.time, datetime.time]]:
        kind, _why = self.kind(day)
        if kind == "off":
            return []
        return self.periods.get(day.weekday()) or self.standard

    def spans(self, day: datetime.date) -> tuple[tuple[float, float], ...]:
        """The day's working periods as (start, end) POSIX timestamps."""
        found = self._spans.get(day)
        if found is None:
            found = tuple(
                (
                    datetime.datetime.combine(day, start, tzinfo=self.tz).timestamp(),
                    datetime.datetime.combine(day, end, tzinfo=self.tz).timestamp(),
                )
                for start, end in self.periods_on(day)
            )
            self._spans[day] = found
        return found

    # -- running totals -----------------------------------------------------------------
    def _extend_to(self, index: int) -> None:
        cum = self._day_cum
        while len(cum) <= index + 1:
            day = ORIGIN + DAY * (len(cum) - 1)
            cum.append(cum[-1] + sum(end - start for start, end in self.spans(day)))

    def cum(self, moment: datetime.datetime) -> float:
        ts = moment.timestamp()
        day = timezone.localtime(moment, self.tz).date()
        index = (day - ORIGIN).days
        if index < 0:
            return 0.0  # before the origin nothing is counted
        self._extend_to(index)
        within = sum(max(0.0, min(ts, end) - start) for start, end in self.spans(day))
        return self._day_cum[index] + within

    def at(self, target: float, *, latest: bool = False) -> datetime.datetime:
        """The earliest instant by which `target` working seconds have accumulated, or with
        `latest` the last instant before more than that have (the end of the night, weekend
        or holiday that follows the earliest one)."""
        if target < 0 or (target == 0 and not latest):
            return datetime.datetime.combine(ORIGIN, datetime.time.min, tzinfo=self.tz)
        cum = self._day_cum
        while cum[-1] <= target:  # grow a year at a time until the target is inside
            self._extend_to(len(cum) + 365)
        # latest: the day whose working time passes the target (cum[i] <= target < cum[i+1]);
        # earliest: the day during which it is reached (cum[i] < target <= cum[i+1])
        find = bisect.bisect_right if latest else bisect.bisect_left
        index = find(cum, target) - 1
        remaining = target - cum[index]
        for start, end in self.spans(ORIGIN + DAY * index):
            if remaining < end - start or (not latest and remaining == end - start):
                return datetime.datetime.fromtimestamp(start + remaining, tz=self.tz)
            remaining -= end - start
        raise AssertionError("working seconds out of step with the day's periods")  # pragma: no cover


def _load() -> Calendar:
    periods: dict[int, list] = {}
    for weekday, start, end in WorkingPeriod.objects.order_by("weekday", "start").values_list(
        "weekday", "start", "end"
    ):
        periods.setdefault(weekday, []).append((start, end))
    plant_days = dict(PlantDay.objects.values_list("date", "kind"))
    return Calendar(periods, plant_days)


def current() -> Calendar:
    """The plant calendar, read from the database at most every RELOAD_SECONDS."""
    global _cached, _loaded_at
    with _lock:
        if _cached is None or time.monotonic() - _loaded_at > RELOAD_SECONDS:
            _cached = _load()
            _loaded_at = time.monotonic()
        return _cached


def forget(**kwargs) -> None:
    """Signal receiver: the admin changed the calendar; read it again on next use."""
    global _cached
    with _lock:
        _cached = None
