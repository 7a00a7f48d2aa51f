"""program — the issuing programme and every policy parameter the rules read."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from generator.models.common import ID_PATTERNS, F, Money, Record, Strict, Text
from generator.urls import web_address

RuleId = Annotated[str, Field(pattern=r"^[SRFTEBLPC]\d{3}$")]
Scope = Literal["district", "municipal", "national", "global"]
SCOPE_ORDER: dict[str, int] = {"district": 0, "municipal": 1, "national": 2, "global": 3}


class Grade(Strict, title="项目等级"):
    label: Text = F("等级名称", "如 重点项目、重大项目")
    subsidy_cap_cny: Money = F("资助上限（元）", "该等级榜单财政资助强度上限（第七条）")
    usual_months: tuple[int, int] = F("通常实施周期（月）", "[最短, 最长]，超出时给出提醒（第六条）")
    max_months: int = F("最长实施周期（月）", "超过即为错误（第六条）", ge=1)


def _web_address(url: str) -> str:
    if web_address(url) is None:
        raise ValueError(
            f"网址“{repr(url)[1:-1]}”不可用：须以 https:// 或 http:// 开头并带主机名，路径只能以一个 / 开头，"
            "不得含空白、引号、控制字符、查询串或片段"
        )
    return url


WebAddress = Annotated[str, AfterValidator(_web_address)]  # judged by generator.urls, the portal's one link policy


class Portal(Strict, title="门户设置"):
    title: Text = F("门户标题")
    base_url: WebAddress = F("门户地址", "公开门户的网址，以 / 结尾")
    repo_url: WebAddress = F("记录仓库地址", "用于生成合并请求（PR）链接")


class Policy(Strict, title="政策参数"):
    grades: dict[str, Grade] = F("项目等级", "等级代码 → 资助上限与周期；如 key 重点、major 重大")
    months_without_extension: int = F("免周期论证的最长月数", "超过须有周期论证（第六条）", ge=1)
    min_panel_size: int = F("评审专家组最少人数", "第八条（三）（六）", ge=1)
    publicity_working_days: int = F("公示期（工作日）", "按中国法定工作日计算，含调休（第八条（七））", ge=1)
    min_release_scope: Scope = F("最小发布范围", "district | municipal | national | global；方案要求面向全国张榜")
    require_approvers: bool = F("须有审批人", "true：合并提交须带 Approved-by/Reviewed-by 尾注", default=False)
    citations: dict[RuleId, Text] = F(
        "条款对照", "规则编号 → 本方案的条款，如 F001: 第九条；未列出的规则引用沙坪坝方案的条款", default_factory=dict
    )


class Program(Record):
    kind: Literal["program"] = F("记录类型")
    id: str = F("方案代码", "如 shapingba", pattern=ID_PATTERNS["program"])
    issuer: Text = F("发榜单位", "如 重庆市沙坪坝区科学技术局")
    region: Text = F("地区")
    mode: Literal["government-led", "enterprise-led", "collaborative"] = F(
        "组织模式", "government-led 政府主导型 | enterprise-led 企业主导型 | collaborative 政产学合作型"
    )
    basis: Text = F("政策依据", "实施方案的名称与文号")
    industries: list[Text] = F("重点产业", min_length=1)
    portal: Portal = F("门户设置")
    policy: Policy = F("政策参数", "所有规则参数都在这里；换地区或企业主导型只改此文件")
    restricted: bool = Field(default=False, title="限定发布范围", description="方案本身总是公开")
