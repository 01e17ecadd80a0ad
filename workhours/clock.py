"""The clock SLA targets, reminders and time-in-step figures are measured on.

`settings.SLA_CLOCK` chooses it: "wall" (default: every hour counts, nights, weekends and
holidays included) or "working" (only the plant calendar's working hours count,
workhours/calendar.py). Everything that turns a duration into a due time, or two instants
into a duration, goes through these three functions:

    add(start, hours)      -> the instant `hours` after start
    subtract(end, hours)   -> the earliest instant from which `hours` have passed by `end`
    elapsed(start, end)    -> timedelta between them

With working hours, `add` returns the earliest instant at which the time is used up
(17:30 on Friday, not the following Monday morning), and `elapsed` counts only working
time, so "due" and "breached" agree: elapsed(start, t) > hours exactly when t is past
add(start, hours). A list filter can therefore ask `created_at < subtract(now, hours)`
in SQL and get the same tickets as the Python clock.
"""

import datetime
from decimal import Decimal

from django.conf import settings

from . import calendar

Duration = datetime.timedelta | Decimal | float | int


def working_hours() -> bool:
    return getattr(settings, "SLA_CLOCK", "wall") == "working"


def _calendar() -> "calendar.Calendar | None":
    """The plant calendar, or None when the wall clock applies (the setting, or a calendar
    with no working hours on any weekday, which could never reach a due time)."""
    if not working_hours():
        return None
    cal = calendar.current()
    return cal if cal.standard else None


def _seconds(duration: Duration) -> float:
    if isinstance(duration, datetime.timedelta):
        return duration.total_seconds()
    return float(duration) * 3600


def add(start: datetime.datetime, duration: Duration, *, latest: bool = False) -> datetime.datetime:
    """`latest`: the last instant at which no more than `duration` has passed (with working
    hours, the end of the night or weekend after the earliest one)."""
    cal = _calendar()
    if cal is None:
        return start + datetime.timedelta(seconds=_seconds(duration))
    return max(start, cal.at(cal.cum(start) + _seconds(duration), latest=latest))


def subtract(end: datetime.datetime, duration: Duration, *, latest: bool = False) -> datetime.datetime:
    """Earliest start from which `duration` has passed by `end`; with `latest`, the last one."""
    cal = _calendar()
    if cal is None:
        return end - datetime.timedelta(seconds=_seconds(duration))
    return min(end, cal.at(cal.cum(end) - _seconds(duration), latest=latest))


def elapsed(start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
    cal = _calendar()
    if cal is None:
        return end - start
    return datetime.timedelta(seconds=cal.cum(end) - cal.cum(start))
