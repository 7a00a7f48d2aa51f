"""review — 评审结果: 榜单论证, 揭榜评审, 周期论证, 节点检查, 结题验收."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import model_validator

from generator.models.common import CREDIT_CODE_PATTERN, ID_PATTERNS, F, Record, Strict, Text

ReviewType = Literal["list-argumentation", "bid-review", "period-extension", "milestone-check", "acceptance"]

# Which results each review type may have, and whether its subject is a list or a project.
RESULTS: dict[str, tuple[str, ...]] = {
    "list-argumentation": ("pass", "revise", "reject"),
    "period-extension": ("pass", "revise", "reject"),
    "bid-review": ("selected", "none"),
    "milestone-check": ("passed", "failed"),
    "acceptance": ("passed", "failed"),
}
SUBJECT_KIND: dict[str, str] = {
    "list-argumentation": "list",
    "period-extension": "list",
    "bid-review": "list",
    "milestone-check": "project",
    "acceptance": "project",
}
PASSING = frozenset({"pass", "passed", "selected"})


class Member(Strict, title="专家"):
    name: Text = F("姓名", "不在门户公开")
    role: Literal["management", "industry", "peer-tech", "end-user-head"] = F(
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
    start: dt.date = F("公示开始")
    end: dt.date = F("公示结束", "首尾两日均计入工作日")
    channel: str | None = F("异议受理方式", "公示页面上告知公众如何提出异议", default=None)
    objections: list[Objection] = F("异议", "只可追加", default_factory=list)
    outcome: Literal["pending", "no-objection", "upheld"] = F("公示结果", "pending 公示中 | no-objection 无异议 | upheld 异议成立")


class IndicatorResult(Strict, title="指标完成情况"):
    id: str = F("指标编号", pattern=r"^I\d{1,2}$")
    achieved: bool = F("是否达成")
    evidence: Text = F("佐证材料")


class Review(Record):
    kind: Literal["review"] = F("记录类型")
    id: str = F("评审编号", "R-年份-三位序号", pattern=ID_PATTERNS["review"])
    type: ReviewType = F(
        "评审类型",
        "list-argumentation 榜单论证 | bid-review 揭榜评审 | period-extension 周期论证 | milestone-check 节点检查 | acceptance 结题验收",
    )
    subject: str = F("评审对象", "榜单编号（论证、揭榜评审）或项目编号（节点检查、验收）")
    date: dt.date = F("评审日期")
    panel: list[Member] = F("专家组", min_length=1)
    conflicts_declared: bool = F("已签署回避声明")
    opinion: Text = F("评审意见")
    result: str = F("评审结论", "论证：pass|revise|reject；揭榜评审：selected|none；节点检查、验收：passed|failed")
    selected: list[str] = F("入选申报", "揭榜评审结论为 selected 时必填", default_factory=list)
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
