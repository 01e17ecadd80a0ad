"""The plant's time zone (settings.TIME_ZONE), said wherever a time is typed or refused.

A date-time typed in a form is read in the plant's zone, whatever zone the browser is in:
the field says so next to it ("北京时间 (UTC+8)"), and a refusal names the zone and the time
it compared with ("… later than now (北京时间 2026-12-02 14:05)"). Issue 15 point 7: a
call-back time four hours ahead was refused from a browser in another zone without a word
about zones.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy

# Zones people call by a name of their own; any other zone is called by its IANA key.
ZONE_NAMES = {
    "Asia/Shanghai": gettext_lazy("Beijing time"),
    "Asia/Chongqing": gettext_lazy("Beijing time"),
    "Asia/Harbin": gettext_lazy("Beijing time"),
    "PRC": gettext_lazy("Beijing time"),
}


def zone_name() -> str:
    """The plant's zone as people say it: 北京时间, or e.g. "Asia/Almaty"."""
    key = timezone.get_current_timezone_name()
    return str(ZONE_NAMES.get(key, key))


def utc_offset(at: datetime.datetime | None = None) -> str:
    """The zone's offset at `at` (now if None): "UTC+8", "UTC+5:30", "UTC-3", "UTC"."""
    offset = timezone.localtime(at or timezone.now()).utcoffset() or datetime.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if not minutes:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(at: datetime.datetime | None = None) -> str:
    """What stands next to a date-time field: "北京时间 (UTC+8)"."""
    return f"{zone_name()} ({utc_offset(at)})"


def now_label(at: datetime.datetime | None = None) -> str:
    """The time a refusal compared with, in the plant's zone: "北京时间 2026-12-02 14:05"."""
    return f"{zone_name()} {timezone.localtime(at or timezone.now()):%Y-%m-%d %H:%M}"
