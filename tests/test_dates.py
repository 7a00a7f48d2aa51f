"""Chinese working days: public holidays off, 调休 make-up weekend days on, both ends counted."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.dates import working_days

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (D(2024, 7, 8), D(2024, 7, 12), 5),  # an ordinary week, both ends counted
        (D(2024, 7, 8), D(2024, 7, 8), 1),
        (D(2024, 7, 12), D(2024, 7, 8), 0),  # end before start
        (D(2024, 9, 30), D(2024, 10, 4), 1),  # National Day: Monday to Friday, only the 30th works
        (D(2024, 9, 28), D(2024, 9, 29), 1),  # Sunday 29 September is a make-up working day, Saturday 28 is not
        (D(2024, 10, 12), D(2024, 10, 13), 1),  # Saturday 12 October is a make-up working day
        (D(2024, 2, 4), D(2024, 2, 18), 7),  # Spring Festival: Sun 4 (make-up), Mon 5–Fri 9, 10–17 off, Sun 18 (make-up)
    ],
)
def test_working_days_follow_the_chinese_calendar(start: dt.date, end: dt.date, count: int) -> None:
    assert working_days(start, end) == (count, ())


def test_an_uncovered_year_falls_back_to_monday_to_friday_and_says_so() -> None:
    assert working_days(D(2099, 7, 6), D(2099, 7, 12)) == (5, (2099,))
    assert working_days(D(2003, 12, 29), D(2004, 1, 2)) == (4, (2003,))  # 2004-01-01 is a holiday the calendar knows


def test_the_last_representable_day_is_counted_without_overflow() -> None:
    assert working_days(dt.date.max, dt.date.max) == (1, (9999,))  # a Friday
