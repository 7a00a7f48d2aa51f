"""list — 榜单: the eight content items of 第八条（二） and the list's lifecycle."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from generator.models.common import ID_PATTERNS, F, Money, Record, Strict, Text, Unit, UnitType
from generator.models.program import Scope

ListStatus = Literal["draft", "argued", "approved", "published", "closed", "awarded", "unclaimed", "withdrawn"]

# The lifecycle of SPEC §3: every legal move of a list's status.
LIST_EDGES: frozenset[tuple[str, str]] = frozenset(
    [
        ("draft", "argued"),
        ("argued", "approved"),
        ("approved", "published"),
        ("published", "closed"),
        ("closed", "awarded"),
        ("closed", "unclaimed"),
        ("argued", "draft"),
    ]
    + [(s, "withdrawn") for s in ("draft", "argued", "approved", "published", "closed")]
)
PUBLIC_LIST_STATUSES = frozenset({"published", "closed", "awarded", "unclaimed"})


class Indicator(Strict, title="考核指标"):
    id: str = F("指标编号", "如 I1", pattern=r"^I\d{1,2}$")
    name: Text = F("指标名称")
    target: Text = F("目标值")
    verification: Text = F("考核方式", "如 第三方检测报告")


class Funding(Strict, title="资助强度"):
    subsidy_cny: Money = F("财政资助强度（元）", "不得超过等级上限（第七条）")
    end_user_cny: Money = F("需求单位投入（元）")


class Node(Strict, title="关键时间节点"):
    month: int = F("第几个月", ge=1)
    requirement: Text = F("节点要求")


class Period(Strict, title="实施周期"):
    months: int = F("实施周期（月）", ge=1)
    nodes: list[Node] = F("关键时间节点", default_factory=list)


class Eligibility(Strict, title="揭榜条件"):
    scope: Scope = F("发布范围", "district 区内 | municipal 市内 | national 全国 | global 全球")
    unit_types: list[UnitType] = F("可揭榜单位类型", min_length=1)
    joint_bids: bool = F("允许联合揭榜")
    notes: str = F("揭榜单位条件", "不得设置注册时间、年龄、学历、职称等门槛（第五条（二））", default="")


class Decision(Strict, title="榜单确定"):
    body: Text = F("决策机构", "如 区科技局党组会")
    date: dt.date = F("决策日期")
    ref: Text = F("文件或纪要编号")


class Amendment(Strict, title="更正公告"):
    date: dt.date = F("更正日期")
    fields: list[Text] = F("更正的字段", "如 indicators、funding", min_length=1)
    summary: Text = F("更正说明", "作为更正公告公开")


class ChallengeList(Record):
    kind: Literal["list"] = F("记录类型")
    id: str = F("榜单编号", "L-年份-三位序号，如 L-2024-003", pattern=ID_PATTERNS["list"])
    title: Text = F("榜单名称")
    grade: str = F("项目等级", "方案 policy.grades 中的代码：key 重点 | major 重大")
    status: ListStatus = F(
        "状态",
        "draft 草拟 | argued 已论证 | approved 已确定 | published 已发布 | closed 已截止 | awarded 已揭榜 | unclaimed 无人揭榜 | withdrawn 已撤回",
    )
    needs: list[str] = F("来源需求", min_length=1)
    end_user: Unit = F("最终用户（需求单位）")
    industry: Text = F("所属产业")
    bottleneck: Text = F("“卡点”问题")
    impact: Text = F("对行业产业的影响")
    indicators: list[Indicator] = F("考核指标", "可测量，每项带编号", min_length=1)
    benchmark: Text = F("对标情况")
    funding: Funding = F("资助强度")
    period: Period = F("实施周期")
    eligibility: Eligibility = F("揭榜单位条件及发布范围")
    argumentation: str | None = F("榜单论证", "list-argumentation 评审编号；argued 起必填", default=None)
    decision: Decision | None = F("榜单确定", "approved 起必填", default=None)
    call: str | None = F("申报指南", "published 起必填", default=None)
    extension_review: str | None = F("周期论证", "实施周期超过免论证月数时必填", default=None)
    amendments: list[Amendment] = F("更正公告", "发布后的每次更改，最新的在最后", default_factory=list)
