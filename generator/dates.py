"""Calendar dates as the programme reads them: deadlines fall in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    """Today's date in Beijing time; ``SOURCE_DATE_EPOCH`` pins it for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = dt.datetime.fromtimestamp(int(epoch), SHANGHAI) if epoch and epoch.isdigit() else dt.datetime.now(SHANGHAI)
    return now.date()


@dataclass(frozen=True)
class Holidays:
    """Days off and make-up working days a programme supplies (``policy.holidays``) for years
    the ``chinese-calendar`` package does not cover yet, from the State Council's notice."""

    years: frozenset[int] = frozenset()
    rest: frozenset[dt.date] = frozenset()
    work: frozenset[dt.date] = frozenset()


NO_HOLIDAYS = Holidays()


@functools.lru_cache(maxsize=4096)  # windows repeat: a national set has thousands of 公示
def working_days(start: dt.date, end: dt.date, supplied: Holidays = NO_HOLIDAYS) -> tuple[int, tuple[int, ...]]:
    """Chinese working days from ``start`` to ``end``, both counted.

    Public holidays are days off and 调休 make-up Saturdays or Sundays are working days,
    as the ``chinese-calendar`` package publishes them. A year the package does not cover
    is read from ``supplied`` when the programme supplies it (Monday to Friday, less its
    days off, plus its make-up days). Any other year is counted Monday to Friday and
    returned, so that the caller can refuse to rely on the count rather than guess.
    """
    count, uncovered = 0, set()
    for ordinal in range(start.toordinal(), end.toordinal() + 1):  # ordinals: no overflow at date.max
        day = dt.date.fromordinal(ordinal)
        if _calendar_covers(day.year):
            count += chinese_calendar.is_workday(day)
        elif day.year in supplied.years:
            count += day in supplied.work or (day.weekday() < 5 and day not in supplied.rest)
        else:
            uncovered.add(day.year)
            count += day.weekday() < 5
    return count, tuple(sorted(uncovered))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


@functools.cache
def _calendar_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True
