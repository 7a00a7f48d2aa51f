"""call — 申报指南: one per batch."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from generator.models.common import ID_PATTERNS, F, Record, Strict, Text


class Contact(Strict, title="联系方式"):
    office: Text = F("联系科室")
    phone: Text = F("联系电话", "办公电话，不得填写个人手机号")


ListRef = Annotated[str, Field(pattern=ID_PATTERNS["list"])]


class Call(Record):
    kind: Literal["call"] = F("记录类型")
    id: str = F("指南编号", "C-年份-两位批次，如 C-2024-01", pattern=ID_PATTERNS["call"])
    title: Text = F("指南名称")
    published: dt.date = F("发布日期")
    opens: dt.date = F("申报开始")
    closes: dt.date = F("申报截止", "按北京时间（Asia/Shanghai）当日结束")
    lists: list[ListRef] = F("所含榜单", "榜单编号", min_length=1, examples=[["L-2024-003", "L-2024-004"]])
    how_to_apply: Text = F("申报方式", "Markdown，渲染时净化")
    materials: list[Text] = F("申报材料", min_length=1)
    contacts: list[Contact] = F("联系方式", min_length=1)
