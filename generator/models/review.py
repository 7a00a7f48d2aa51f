"""review — 评审结果: 榜单论证, 揭榜评审, 周期论证, 节点检查, 结题验收."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from generator.models.common import CREDIT_CODE_PATTERN, ID_PATTERNS, F, Record, Strict, Text, ref_pattern

ReviewType = Literal["list-argumentation", "bid-review", "period-extension", "milestone-check", "acceptance", "approval"]
Role = Literal["management", "industry", "peer-tech", "end-user-head"]

# Which results each review type may have, and whether its subject is a list or a project.
RESULTS: dict[str, tuple[str, ...]] = {
    "list-argumentation": ("pass", "revise", "reject"),
    "period-extension": ("pass", "revise", "reject"),
    "bid-review": ("selected", "none"),
    "milestone-check": ("passed", "failed"),
    "acceptance": ("passed", "failed"),
    "approval": ("approved", "rejected"),
}
SUBJECT_KIND: dict[str, str] = {
    "list-argumentation": "list",
    "period-extension": "list",
    "bid-review": "list",
    "milestone-check": "project",
    "acceptance": "project",
    "approval": "review",  # 立项审定: decides on a bid-review's selection (SPEC §8)
}
BidRef = Annotated[str, Field(pattern=ID_PATTERNS["bid"])]
TYPE_LABELS: dict[str, str] = {
    "list-argumentation": "榜单论证",
    "bid-review": "揭榜评审",
    "period-extension": "周期论证",
    "milestone-check": "节点检查",
    "acceptance": "结题验收",
    "approval": "立项审定",
}
PASSING = frozenset({"pass", "passed", "selected", "approved"})
# A 公示 that ended so that the selection stands.
PUBLICITY_CLEARED = frozenset({"no-objection", "objections-dismissed"})


class Member(Strict, title="专家"):
    name: Text = F("姓名", "不在门户公开")
    role: Role = F(
        "专家类型", "management 行业主管部门管理专家 | industry 产业一线专家 | peer-tech 同行技术专家 | end-user-head 需求单位负责人"
    )
    affiliation: Text = F("所在单位")
    in_district: bool | None = F("区内专家", default=None)
    credit_code: str | None = F("所在单位统一社会信用代码", "用于回避审查", default=None, pattern=CREDIT_CODE_PATTERN)


class Objection(Strict, title="异议"):
    received: dt.date = F("收到日期")
    summary: Text = F("异议摘要")
    outcome: Literal["dismissed", "upheld", "pending"] = F("处理结果", "dismissed 不成立 | upheld 成立 | pending 处理中")


class Publicity(Strict, title="项目公示"):
    notice: str | None = F(
        "公示文号",
        "同一文号的评审结果合并为一个公示页面（批量公示）",
        default=None,
        min_length=1,
        examples=["琼科公示〔2025〕12号"],
    )
    start: dt.date = F("公示开始")
    end: dt.date = F("公示结束", "首尾两日均计入工作日")
    channel: str | None = F("异议受理方式", "公示页面上告知公众如何提出异议", default=None)
    objections: list[Objection] = F("异议", "只可追加", default_factory=list)
    outcome: Literal["pending", "no-objection", "objections-dismissed", "upheld"] = F(
        "公示结果",
        "pending 公示中 | no-objection 公示期满无异议 | objections-dismissed 公示期满，异议经核查不成立 | upheld 异议成立",
    )


class IndicatorResult(Strict, title="指标完成情况"):
    id: str = F("指标编号", "榜单考核指标的编号", pattern=r"^I\d{1,2}$", examples=["I2"])
    achieved: bool = F("是否达成")
    evidence: str | None = F("佐证材料", "如 第三方检测报告", default=None, min_length=1)
    waiver: str | None = F(
        "未达成指标的认定",
        "验收通过而该指标未达成时必填：专家组认定的理由",
        default=None,
        min_length=1,
        examples=["经专家组认定该指标因标准调整不再适用"],
    )


class Review(Record):
    kind: Literal["review"] = F("记录类型")
    id: str = F("评审编号", "R-年份-三位序号", pattern=ID_PATTERNS["review"])
    type: ReviewType = F(
        "评审类型",
        "list-argumentation 榜单论证 | bid-review 揭榜评审 | period-extension 周期论证 | milestone-check 节点检查 | "
        "acceptance 结题验收 | approval 立项审定",
    )
    subject: str = F(
        "评审对象",
        "榜单编号（论证、揭榜评审）、项目编号（节点检查、验收）或揭榜评审编号（立项审定）",
        pattern=ref_pattern("list", "project", "review"),
        examples=["L-2024-003", "P-2024-003", "R-2024-006"],
    )
    date: dt.date = F("评审日期")
    panel: list[Member] = F("专家组", min_length=1)
    conflicts_declared: bool = F("已签署回避声明")
    opinion: Text = F("评审意见")
    result: str = F(
        "评审结论", "论证：pass|revise|reject；揭榜评审：selected|none；节点检查、验收：passed|failed；立项审定：approved|rejected"
    )
    selected: list[BidRef] = F("入选申报", "揭榜评审结论为 selected 时必填", default_factory=list, examples=[["B-2024-011"]])
    publicity: Publicity | None = F("项目公示", "揭榜评审入选后公示", default=None)
    indicator_results: list[IndicatorResult] = F("指标完成情况", "仅结题验收", default_factory=list)

    @model_validator(mode="after")
    def _result_fits_type(self) -> Review:
        allowed = RESULTS[self.type]
        if self.result not in allowed:
            raise ValueError(f"评审结论“{self.result}”不适用于 {self.type}，应为 {' | '.join(allowed)}")
        return self


# The same constraint for editors and JSON Schema engines.
Review.model_config["json_schema_extra"] = {
    "allOf": [
        {"if": {"properties": {"type": {"const": t}}}, "then": {"properties": {"result": {"enum": list(r)}}}} for t, r in RESULTS.items()
    ]
}
