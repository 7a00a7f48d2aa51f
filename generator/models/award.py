"""award — 资金拨付 / 成果兑现."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from generator.models.common import ID_PATTERNS, F, Money, Record


class Award(Record):
    kind: Literal["award"] = F("记录类型")
    id: str = F("拨付编号", "A-项目年份-项目序号-序号，如 A-2024-003-2", pattern=ID_PATTERNS["award"])
    project: str = F("项目")
    date: dt.date = F("拨付日期")
    amount_cny: Money = F("拨付金额（元）")
    basis: Literal["agreement", "milestone", "acceptance"] = F(
        "拨付依据", "agreement 任务书签订 | milestone 节点通过 | acceptance 验收通过"
    )
    milestone: str | None = F("节点", "basis 为 milestone 时必填", default=None)
