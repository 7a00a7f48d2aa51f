"""milestone — 里程碑 / 节点."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from generator.models.common import ID_PATTERNS, F, Record, Ref, Text


class Milestone(Record):
    kind: Literal["milestone"] = F("记录类型")
    id: str = F("节点编号", "M-项目年份-项目序号-节点序号，如 M-2024-003-1", pattern=ID_PATTERNS["milestone"])
    project: str = Ref("项目", "项目编号", "project", "P-2024-003")
    due: dt.date = F("节点日期")
    deliverables: list[Text] = F("节点成果", min_length=1)
    check: str | None = Ref(
        "节点检查", "milestone-check 评审编号，检查后填写；未通过后复查的，改为复查的评审编号", "review", "R-2025-010", default=None
    )
