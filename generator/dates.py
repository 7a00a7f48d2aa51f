"""Calendar dates as the programme reads them: deadlines fall in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt
import functools
import os
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    """Today's date in Beijing time; ``SOURCE_DATE_EPOCH`` pins it for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = dt.datetime.fromtimestamp(int(epoch), SHANGHAI) if epoch and epoch.isdigit() else dt.datetime.now(SHANGHAI)
    return now.date()


def working_days(start: dt.date, end: dt.date) -> tuple[int, tuple[int, ...]]:
    """Chinese working days from ``start`` to ``end``, both counted.

    Public holidays are days off and 调休 make-up Saturdays or Sundays are working days,
    as the ``chinese-calendar`` package publishes them. For a year the package does not
    cover, Monday to Friday count instead; those years are returned so that the caller
    can say the count is a fallback rather than guess silently.
    """
    count, uncovered = 0, set()
    for ordinal in range(start.toordinal(), end.toordinal() + 1):  # ordinals: no overflow at date.max
        day = dt.date.fromordinal(ordinal)
        if _calendar_covers(day.year):
            count += chinese_calendar.is_workday(day)
        else:
            uncovered.add(day.year)
            count += day.weekday() < 5
    return count, tuple(sorted(uncovered))


@functools.cache
def _calendar_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True
