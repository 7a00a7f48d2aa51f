"""The synthetic programme's calendar: batches, 公示 windows, and id numbering."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import random
from dataclasses import dataclass

import chinese_calendar

FIRST_YEAR = 2004  # chinese_calendar knows holidays and 调休 from 2004 …
LAST_YEAR = 2026  # … to 2026: every 公示 window falls in these years
LISTS_PER_YEAR = 300  # keeps a year's bids (3 per list) within the 999 numbers of an id year
MAX_PER_YEAR = 999


@dataclass(frozen=True)
class Batch:
    """One call (申报指南): its lists' numbers and its dates."""

    year: int
    half: int  # 1: spring batch, 2: autumn batch
    numbers: range
    opens: dt.date
    closes: dt.date
    latest: bool  # the call still open at NOW: its lists stay published
    second: bool  # the batch before it: some lists still await their bid-review

    def day(self, step: int, rng: random.Random) -> dt.date:
        """A date in the batch's month for ``step``: 0 need, 1 argumentation, 2 decision."""
        month = (1 if self.half == 1 else 6) + step
        return dt.date(self.year, month, rng.randrange(1, 21) if step == 2 else rng.randrange(3, 26))

    def fate(self, rng: random.Random) -> str:
        """open | pending (bid-review not yet held) | unclaimed | awarded."""
        if self.latest:
            return "open"
        if self.second and rng.random() < 0.25:
            return "pending"
        return "unclaimed" if rng.random() < 0.4 else "awarded"


def batches(lists: int, now: dt.date) -> list[Batch]:
    """Two batches a year ending with the one open at ``now``, spread over enough years."""
    years = min(LAST_YEAR - FIRST_YEAR + 1, max(3, math.ceil(lists / LISTS_PER_YEAR)))
    if lists > years * MAX_PER_YEAR:
        raise ValueError(f"at most {years * MAX_PER_YEAR} lists fit the id format within {FIRST_YEAR}–{LAST_YEAR}")
    slots = [(y, h) for y in range(LAST_YEAR - years + 1, LAST_YEAR + 1) for h in (1, 2)][-min(2 * years, lists) :]
    base, extra = divmod(lists, len(slots))
    out: list[Batch] = []
    used: dict[int, int] = {}
    for i, (year, half) in enumerate(slots):
        size = base + (1 if i < extra else 0)
        first = used.get(year, 0) + 1
        used[year] = first + size - 1
        opens = dt.date(year, 3 if half == 1 else 8, 25)
        latest = i == len(slots) - 1
        closes = dt.date(year, 12, 15) if latest else opens + dt.timedelta(days=45)
        out.append(Batch(year, half, range(first, first + size), opens, closes, latest, i == len(slots) - 2))
    assert all(b.opens <= now for b in out)
    return out


def publicity_window(after: dt.date, working_days: int) -> tuple[dt.date, dt.date]:
    """公示 from the first working day after ``after``, ending on its Nth working day."""
    start = chinese_calendar.find_workday(0, after + dt.timedelta(days=1))
    return start, chinese_calendar.find_workday(working_days - 1, start)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Ids:
    """Next free id per prefix and year; a full year (999) passes on to the next."""

    def __init__(self) -> None:
        self._used: dict[tuple[str, int], int] = {}

    def take(self, prefix: str, year: int) -> str:
        while self._used.get((prefix, year), 0) >= MAX_PER_YEAR:
            year += 1
        n = self._used.get((prefix, year), 0) + 1
        self._used[(prefix, year)] = n
        return f"{prefix}-{year}-{n:03d}"
