"""project — 任务书签订 and the project's life."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from generator.models.common import ID_PATTERNS, F, Money, Record, Ref, Strict

ProjectStatus = Literal["in-progress", "succeeded", "failed", "terminated"]
# One Chinese name per status, everywhere: the portal, the open-data dictionary, history texts.
PROJECT_STATUS_LABELS: dict[str, str] = {"in-progress": "实施中", "succeeded": "验收通过", "failed": "未通过验收", "terminated": "已终止"}


class Agreement(Strict, title="任务书"):
    signed: dt.date = F("任务书签订日期")
    starts: dt.date = F("开始日期")
    ends: dt.date = F("结束日期")


class Outcome(Strict, title="结题情况"):
    date: dt.date = F("结题日期")
    acceptance: str = Ref("结题验收评审", "acceptance 评审编号", "review", "R-2026-004")
    category: Literal["basic", "applied", "public-welfare"] = F("评价类别", "basic 基础研究 | applied 应用研究 | public-welfare 社会公益")
    diligent: bool = F("已尽勤勉尽责义务")
    credit_penalty: bool = F("信用惩戒", "宽容失败：勤勉尽责的失败不得惩戒")


class Project(Record):
    kind: Literal["project"] = F("记录类型")
    id: str = F("项目编号", "P-年份-三位序号，与榜单序号一致", pattern=ID_PATTERNS["project"])
    list: str = Ref("榜单", "榜单编号", "list", "L-2024-003")
    bid: str = Ref("入选申报", "申报编号", "bid", "B-2024-011")
    review: str = Ref("揭榜评审", "选中本申报的 bid-review 评审编号", "review", "R-2024-006")
    agreement: Agreement = F("任务书")
    subsidy_cny: Money = F("财政资助（元）")
    status: ProjectStatus = F("状态", " | ".join(f"{code} {label}" for code, label in PROJECT_STATUS_LABELS.items()))
    outcome: Outcome | None = F("结题情况", "succeeded 或 failed 时填写", default=None)
