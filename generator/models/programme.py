"""Policy model v2 (SPEC §8): the parts of a programme's policy that differ between programmes —
panels per review type, who may bid, holidays the calendar package does not know yet.

``program.py`` holds the programme record; the pieces here are what its ``policy`` adds.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Literal

from pydantic import model_validator

from generator.dates import Holidays
from generator.models.common import BidderKind, F, Strict
from generator.models.review import ReviewType, Role

Level = Literal["national", "provincial", "municipal", "county"]
LEVEL_HELP = "national 国家级 | provincial 省级 | municipal 市级 | county 县（区）级"
DIVISION_PATTERN = r"^[1-8][0-9]{5}$"
BIDDER_KIND_HELP = "unit 单位 | team 团队 | individual 个人（团队和个人没有统一社会信用代码）"


class ReviewPanel(Strict, title="专家组要求"):
    min_size: int | None = F("最少人数", "替代 min_panel_size，可以更小；不填则用 min_panel_size", default=None, ge=1, examples=[3])
    roles: list[Role] | None = F(
        "必备专家类型",
        "替代默认的专家类型要求；management 管理专家 | industry 产业专家 | peer-tech 同行技术专家 | "
        "end-user-head 需求单位负责人（最终用户考核）；不填则用默认要求",
        default=None,
        examples=[["peer-tech", "end-user-head"]],
    )


class HolidayYear(Strict, title="节假日安排"):
    rest: list[dt.date] = F("放假日", "国务院办公厅通知中放假的工作日（周一至周五）", default_factory=list, examples=[["2027-01-01"]])
    work: list[dt.date] = F("调休上班日", "通知中调休上班的周六、周日", default_factory=list, examples=[["2027-02-07"]])

    @model_validator(mode="after")
    def _no_day_twice(self) -> HolidayYear:
        both = sorted(set(self.rest) & set(self.work))
        if both:
            raise ValueError(f"{both[0]} 不能既是放假日又是调休上班日")
        return self


ReviewPanels = dict[ReviewType, ReviewPanel]
HolidayCalendar = dict[int, HolidayYear]
BidderKinds = list[BidderKind]


def holidays_of(calendar: HolidayCalendar) -> Holidays:
    """The supplied years as the working-day count reads them."""
    return Holidays(
        years=frozenset(calendar),
        rest=frozenset(d for y in calendar.values() for d in y.rest),
        work=frozenset(d for y in calendar.values() for d in y.work),
    )


def check_holiday_years(calendar: HolidayCalendar) -> None:
    """Every supplied date lies in the year it is filed under."""
    for year, days in calendar.items():
        for day in (*days.rest, *days.work):
            if day.year != year:
                raise ValueError(f"policy.holidays 中 {year} 年的日期 {day} 不在该年")


def percent(share: float) -> str:
    """A share as people write it: 0.2 → 20%, 0.125 → 12.5%."""
    return f"{float(Fraction(str(share)) * 100):g}%"
