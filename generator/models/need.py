"""need — 需求征集 / 需求凝练: a bottleneck an end user names."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from generator.models.common import ID_PATTERNS, F, Money, Record, Text, Unit

ListRef = Annotated[str, Field(pattern=ID_PATTERNS["list"])]


class Need(Record):
    kind: Literal["need"] = F("记录类型")
    id: str = F("需求编号", "N-年份-三位序号，如 N-2024-004", pattern=ID_PATTERNS["need"])
    title: Text = F("需求名称")
    end_user: Unit = F("需求单位（最终用户）")
    industry: Text = F("所属产业", "须为方案 industries 之一")
    channel: Literal["survey", "public-call"] = F("征集渠道", "survey 调研走访 | public-call 社会征集")
    submitted: dt.date = F("提交日期")
    problem: Text = F("卡点问题")
    impact: Text = F("对行业产业的影响")
    commitment_cny: Money = F("需求单位承诺研发投入（元）", "第五条（一）")
    status: Literal["submitted", "refined", "declined"] = F("状态", "submitted 已提交 | refined 已凝练成榜 | declined 未采纳")
    refined_into: list[ListRef] = F("凝练成的榜单", "榜单编号；status 为 refined 时必填", default_factory=list, examples=[["L-2024-003"]])
