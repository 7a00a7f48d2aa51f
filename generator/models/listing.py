"""list — 榜单: the eight content items of 第八条（二） and the list's lifecycle."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from generator.models.common import ID_PATTERNS, UNIT_TYPE_HELP, BidderKind, F, Money, Record, Ref, Strict, Text, Unit, UnitType
from generator.models.program import SCOPE_HELP, Program, Scope

ListStatus = Literal["draft", "argued", "approved", "published", "closed", "awarded", "unclaimed", "withdrawn"]
# One Chinese name per status, everywhere: the portal, the open-data dictionary, history texts.
LIST_STATUS_LABELS: dict[str, str] = {
    "draft": "草拟",
    "argued": "已论证",
    "approved": "已确定",
    "published": "征集中",
    "closed": "已截止",
    "awarded": "已揭榜",
    "unclaimed": "无人揭榜",
    "withdrawn": "已撤回",
}

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


IssuerType = Literal["enterprise", "government", "university", "institute", "new-rd-institution", "hospital", "other"]
PayerKind = Literal["government", "enterprise", "fund", "venture", "insurance", "other"]
PAYER_KIND_HELP = "government 政府部门 | enterprise 企业 | fund 产业基金 | venture 创业投资 | insurance 保险 | other 其他"
NeedRef = Annotated[str, Field(pattern=ID_PATTERNS["need"])]


class Issuer(Unit, title="发榜方"):
    type: IssuerType = F(
        "发榜方类型",
        "enterprise 企业 | government 政府部门 | university 高校 | institute 科研院所 | "
        "new-rd-institution 新型研发机构 | hospital 医疗机构 | other 其他",
    )


class OtherFunding(Strict, title="其他出资"):
    payer: Unit = F("出资方", "出资单位的名称与统一社会信用代码")
    kind: PayerKind = F("出资方类型", PAYER_KIND_HELP)
    amount_cny: Money = F("出资金额（元）", examples=[300000])


class Funding(Strict, title="资助强度"):
    subsidy_cny: Money = F("财政资助强度（元）", "不得超过等级上限（第七条）", examples=[100000])
    end_user_cny: Money = F("需求单位投入（元）", examples=[200000])
    others: list[OtherFunding] = F(
        "其他出资",
        "市县财政、基金、保险等其他出资方承诺的投入；总投入 = 财政资助 + 需求单位投入 + 其他出资",
        default_factory=list,
    )

    @property
    def total_cny(self) -> int:
        """Total input of the list: subsidy, the end user's money and every other payer's."""
        return self.subsidy_cny + self.end_user_cny + sum(o.amount_cny for o in self.others)


class Withdrawal(Strict, title="撤榜"):
    date: dt.date = F("撤榜日期")
    reason: Text = F("撤榜原因", "在门户公开", examples=["需求单位技术路线调整"])


class Node(Strict, title="关键时间节点"):
    month: int = F("第几个月", ge=1)
    requirement: Text = F("节点要求")


class Period(Strict, title="实施周期"):
    months: int = F("实施周期（月）", ge=1)
    nodes: list[Node] = F("关键时间节点", default_factory=list)


class Eligibility(Strict, title="揭榜条件"):
    scope: Scope = F("发布范围", SCOPE_HELP)
    unit_types: list[UnitType] = F("可揭榜单位类型", f"适用于单位揭榜方：{UNIT_TYPE_HELP}", min_length=1)
    bidder_kinds: list[BidderKind] | None = F(
        "可揭榜的揭榜方类别",
        "unit 单位 | team 团队 | individual 个人；不填则按方案的 policy.bidder_kinds",
        default=None,
        min_length=1,
        examples=[["unit", "team"]],
    )
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
    status: ListStatus = F("状态", " | ".join(f"{code} {label}" for code, label in LIST_STATUS_LABELS.items()))
    needs: list[NeedRef] = F("来源需求", "需求编号 N-年份-三位序号", min_length=1, examples=[["N-2024-004"]])
    end_user: Unit = F("最终用户（需求单位）")
    industry: Text = F("所属产业")
    bottleneck: Text = F("“卡点”问题")
    impact: Text = F("对行业产业的影响")
    indicators: list[Indicator] = F("考核指标", "可测量，每项带编号", min_length=1)
    benchmark: Text = F("对标情况")
    funding: Funding = F("资助强度")
    period: Period = F("实施周期")
    eligibility: Eligibility = F("揭榜单位条件及发布范围")
    issuer: Issuer | None = F(
        "发榜方",
        "不是方案的发榜单位时填写（如企业主导型中的企业）；不填时，企业主导型方案以需求单位为发榜方，其他方案以方案的发榜单位为发榜方",
        default=None,
    )
    track: Literal["tackle", "transfer"] = F("榜单类别", "tackle 技术攻关类 | transfer 成果转化类", default="tackle")
    argumentation: str | None = Ref("榜单论证", "list-argumentation 评审编号；argued 起必填", "review", "R-2024-001", default=None)
    decision: Decision | None = F("榜单确定", "approved 起必填", default=None)
    call: str | None = Ref("申报指南", "指南编号；published 起必填", "call", "C-2024-01", default=None)
    extension_review: str | None = Ref(
        "周期论证", "period-extension 评审编号；实施周期超过免论证月数时必填", "review", "R-2024-002", default=None
    )
    amendments: list[Amendment] = F("更正公告", "发布后的每次更改，最新的在最后", default_factory=list)
    withdrawal: Withdrawal | None = F("撤榜", "撤回（withdrawn）时填写撤榜日期与原因，在门户公开", default=None)


def effective_issuer(lst: ChallengeList, program: Program | None) -> str:
    """The 发榜方 of a list: as the list names it; else, in an enterprise-led programme, its end
    user (the enterprise that poses the problem and pays most of it); else the programme's issuer."""
    if lst.issuer is not None:
        return lst.issuer.name
    if program is not None and program.mode == "enterprise-led":
        return lst.end_user.name
    return program.issuer if program is not None else ""
