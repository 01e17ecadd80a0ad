"""The working-hours clock against hand-counted cases: lunch breaks, weekends, China's
2026 National Day holiday with its make-up working days (调休), the plant's own days, and
a year the holiday library does not know. Default calendar: Monday–Friday 08:30–12:00
and 13:00–17:30 (8 hours a day), time zone Asia/Shanghai."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from workhours import calendar, clock
from workhours.models import PlantDay, WorkingPeriod

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
H = datetime.timedelta(hours=1)


def t(month, day, hour, minute=0, year=2026):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def working(settings):
    settings.SLA_CLOCK = "working"
    calendar.forget()
    yield
    calendar.forget()


def test_wall_clock_counts_every_hour(settings):
    settings.SLA_CLOCK = "wall"
    assert clock.elapsed(t(9, 30, 16), t(10, 8, 11)) == datetime.timedelta(days=7, hours=19)
    assert clock.add(t(9, 30, 16), 4) == t(9, 30, 20)


def test_lunch_break_does_not_count():
    assert clock.elapsed(t(9, 16, 11), t(9, 16, 14)) == 2 * H  # Wednesday 11:00–12:00, 13:00–14:00
    assert clock.add(t(9, 16, 11), 2) == t(9, 16, 14)
    # the earliest instant the time is used up: 12:00, not 13:00 after lunch
    assert clock.add(t(9, 16, 11), 1) == t(9, 16, 12)


def test_makeup_sunday_before_national_day_is_a_working_day():
    # Fri 18 Sep 16:30 → Mon 21 Sep 09:30: Fri 1 h + Sun 20 Sep (调休) 8 h + Mon 1 h
    assert clock.elapsed(t(9, 18, 16, 30), t(9, 21, 9, 30)) == 10 * H
    # an ordinary weekend counts nothing: Fri 11 Sep 17:00 → Mon 14 Sep 09:00
    assert clock.elapsed(t(9, 11, 17), t(9, 14, 9)) == H
    # Fri 25 Sep is the Mid-Autumn Festival: Thu 17:00 → Mon 28 Sep 09:00 is 0.5 h + 0.5 h
    assert clock.elapsed(t(9, 24, 17), t(9, 28, 9)) == H


def test_national_day_holiday_is_skipped():
    # Wed 30 Sep 16:00 + 4 h: 1.5 h that day, 1–7 Oct off, then 2.5 h on Thu 8 Oct → 11:00
    assert clock.add(t(9, 30, 16), 4) == t(10, 8, 11)
    assert clock.elapsed(t(9, 30, 16), t(10, 8, 11)) == 4 * H
    assert clock.elapsed(t(10, 2, 9), t(10, 6, 17)) == datetime.timedelta(0)  # inside the holiday


def test_makeup_saturday_after_national_day():
    # Fri 9 Oct 17:00 → Mon 12 Oct 09:00: 0.5 h + Sat 10 Oct (调休) 8 h + 0.5 h
    assert clock.elapsed(t(10, 9, 17), t(10, 12, 9)) == 9 * H


def test_plant_day_off_and_extra_working_day():
    PlantDay.objects.create(date=datetime.date(2026, 10, 9), kind="off", name="年度检修")
    PlantDay.objects.create(date=datetime.date(2026, 11, 7), kind="working", name="赶工")
    # Thu 8 Oct 17:00 → Sat 10 Oct (调休) 09:00: 0.5 h + Fri 9 Oct off + 0.5 h
    assert clock.elapsed(t(10, 8, 17), t(10, 10, 9)) == H
    # Sat 7 Nov is worked with the standard (Monday) hours
    assert clock.elapsed(t(11, 6, 17), t(11, 9, 9)) == 9 * H
    # a plant day overrides the library: working on a public holiday
    PlantDay.objects.create(date=datetime.date(2026, 10, 2), kind="working", name="抢修")
    assert clock.elapsed(t(10, 1, 0), t(10, 3, 0)) == 8 * H


def test_a_year_the_library_does_not_know_uses_plant_days():
    assert not calendar.library_knows(2027)
    monday = t(2, 8, 8, 30, year=2027)  # Spring Festival 2027, unknown to chinese-calendar 1.11.0
    assert clock.elapsed(monday, t(2, 8, 17, 30, year=2027)) == 8 * H
    PlantDay.objects.create(date=datetime.date(2027, 2, 8), kind="off", name="春节")
    assert clock.elapsed(monday, t(2, 8, 17, 30, year=2027)) == datetime.timedelta(0)


def test_working_hours_per_weekday_from_the_admin():
    WorkingPeriod.objects.create(weekday=5, start=datetime.time(8, 0), end=datetime.time(12, 0))
    # a six-day week: Saturday mornings count
    assert clock.elapsed(t(11, 13, 17), t(11, 16, 9)) == datetime.timedelta(hours=5)


def test_no_working_hours_at_all_falls_back_to_the_wall_clock():
    WorkingPeriod.objects.all().delete()
    assert clock.add(t(11, 13, 17), 4) == t(11, 13, 21)


def test_subtract_earliest_and_latest_start():
    end = t(9, 14, 9)  # Monday 09:00
    assert clock.subtract(end, 1) == t(9, 11, 17)  # 0.5 h on Friday + 0.5 h on Monday
    assert clock.subtract(end, 1, latest=True) == t(9, 11, 17)
    # 0.5 h before: from any instant between Friday 17:30 and Monday 08:30 exactly 0.5 h passes
    assert clock.subtract(end, 0.5) == t(9, 11, 17, 30)
    assert clock.subtract(end, 0.5, latest=True) == t(9, 14, 8, 30)


instants = st.datetimes(
    min_value=datetime.datetime(2026, 9, 1), max_value=datetime.datetime(2026, 11, 30)
).map(lambda d: d.replace(second=0, microsecond=0, tzinfo=SH))


@hsettings(max_examples=150, deadline=None)
@given(created=instants, now=instants, hours=st.integers(min_value=1, max_value=80))
def test_sql_cutoffs_agree_with_the_python_clock(created, now, hours):
    """The list filter asks `created_at < subtract(now, h)`; the page asks elapsed > h."""
    target = datetime.timedelta(hours=hours)
    breached = clock.elapsed(created, now) > target
    assert breached == (created < clock.subtract(now, target))
    soon = clock.elapsed(created, now) >= target
    assert soon == (created <= clock.subtract(now, target, latest=True))
