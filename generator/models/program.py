"""program — the issuing programme and every policy parameter the rules read."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from generator.dates import Holidays
from generator.models.common import CREDIT_CODE_PATTERN, ID_PATTERNS, F, Money, Record, Strict, Text
from generator.models.programme import (
    BIDDER_KIND_HELP,
    DIVISION_PATTERN,
    LEVEL_HELP,
    BidderKinds,
    HolidayCalendar,
    Level,
    ReviewPanels,
    check_holiday_years,
    holidays_of,
)
from generator.urls import web_address

RuleId = Annotated[str, Field(pattern=r"^[SRFTEBLPC]\d{3}$")]
Scope = Literal["district", "municipal", "provincial", "national", "global"]
SCOPE_ORDER: dict[str, int] = {"district": 0, "municipal": 1, "provincial": 2, "national": 3, "global": 4}
SCOPE_HELP = "district 区内 | municipal 市内 | provincial 省内 | national 全国 | global 全球"
Share = Annotated[float, Field(gt=0, le=1)]
PlatformKeyName = Literal["github-web-flow"]  # the keys shipped in generator/git/keys/


class Grade(Strict, title="项目等级"):
    label: Text = F("等级名称", "如 重点项目、重大项目")
    subsidy_cap_cny: Money = F("资助上限（元）", "该等级榜单财政资助强度上限（第七条）")
    usual_months: tuple[int, int] = F("通常实施周期（月）", "[最短, 最长]，超出时给出提醒（第六条）")
    max_months: int = F("最长实施周期（月）", "超过即为错误（第六条）", ge=1)
    # Policy model v2 (SPEC §8): caps as a share of the list's total input.
    subsidy_min_cny: Money = F("资助下限（元）", "财政资助不得低于此数", default=0, examples=[300000])
    subsidy_max_share: Share | None = F(
        "资助占总投入的最高比例",
        "财政资助 ≤ 比例 × 总投入（财政资助 + 需求单位投入 + 其他出资），如 0.2 即 20%",
        default=None,
        examples=[0.2],
    )
    total_min_cny: Money | None = F("总投入下限（元）", "榜单总投入不得低于此数", default=None, examples=[5000000])


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
    min_release_scope: Scope = F("最小发布范围", f"{SCOPE_HELP}；沙坪坝方案要求面向全国张榜")
    require_approvers: bool = F(
        "须列出审核人", "true：已验证签名的合并提交还须以 Approved-by/Reviewed-by 尾注列出审核人，否则不算经过批准", default=False
    )
    citations: dict[RuleId, Text] = F(
        "条款对照",
        "规则编号 → 本方案的条款，用于检查结果与门户的规则说明；未列出的规则引用沙坪坝方案的条款",
        default_factory=dict,
        examples=[{"F001": "琼科规〔2023〕1号第十一条"}],
    )
    # Policy model v2 (SPEC §8): panels per review type, who may bid, selection, holidays.
    review_panels: ReviewPanels = F(
        "各类评审的专家组要求",
        "评审类型 → 最少人数与必备专家类型；未列出的类型按 min_panel_size 与默认专家类型",
        default_factory=dict,
        examples=[{"acceptance": {"min_size": 5, "roles": ["peer-tech", "end-user-head"]}}],
    )
    max_winners: int = F("每张榜单最多入选申报数", "大于 1 即赛马制：多个入选申报并行资助", default=1, ge=1)
    bidder_kinds: BidderKinds = F("可揭榜的揭榜方类别", BIDDER_KIND_HELP, default_factory=lambda: ["unit"], min_length=1)
    responsibility_letter: bool = F("须签军令状", "true：每份申报须承诺军令状（declarations.responsibility_letter）", default=False)
    approval_required: bool = F(
        "须经立项审定", "true：项目还须有通过的立项审定（approval 评审）；顺序为 揭榜评审 → 立项审定 → 公示 → 任务书", default=False
    )
    holidays: HolidayCalendar = F(
        "补充的节假日安排",
        "chinese-calendar 尚未收录的年份：年份 → 放假日与调休上班日，依据国务院办公厅的节假日安排通知",
        default_factory=dict,
        examples=[{2027: {"rest": ["2027-01-01"], "work": ["2027-02-07"]}}],
        json_schema_extra={"propertyNames": {"pattern": r"^20\d{2}$"}},
    )

    @model_validator(mode="after")
    def _holiday_years(self) -> Policy:
        check_holiday_years(self.holidays)
        return self

    def calendar(self) -> Holidays:
        """The years this programme supplies, for counting working days."""
        return holidays_of(self.holidays)


class Approvals(Strict, title="批准的核验"):
    platform_keys: list[PlatformKeyName] = F(
        "受信任的平台签名密钥",
        "托管平台签署网页合并的密钥（随 jiebang 提供）：github-web-flow 为 GitHub 网页合并签名密钥。"
        "列出后，在该平台网页上合并、带其签名的合并请求（PR）算作已验证的批准，批准人为合并人；"
        "未列出时，只有 .github/allowed_signers 中的密钥签名的合并算数",
        default_factory=list,
        examples=[["github-web-flow"]],
    )


OCID_PREFIX_PATTERN = r"^ocds-[a-z0-9]{6}$"
PLACEHOLDER_OCID_PREFIX = "ocds-jiebang"  # not registered: for demonstrations and tests only
CC_BY_4 = ("知识共享署名 4.0 国际许可协议（CC BY 4.0）", "https://creativecommons.org/licenses/by/4.0/")


class Licence(Strict, title="开放数据许可"):
    name: Text = F("许可名称", "如 知识共享署名 4.0 国际许可协议（CC BY 4.0）")
    url: WebAddress = F("许可网址", "许可文本的规范网址，如 https://creativecommons.org/licenses/by/4.0/")


class OpenData(Strict, title="开放数据设置"):
    ocid_prefix: str | None = F(
        "OCDS 过程编号前缀",
        "向开放合同数据标准（OCDS）服务台登记的 ocid 前缀，形如 ocds-ab12cd；"
        f"不填则用占位前缀 {PLACEHOLDER_OCID_PREFIX}（未登记，仅供演示），正式发布开放数据前应登记并填写",
        default=None,
        pattern=OCID_PREFIX_PATTERN,
        examples=["ocds-ab12cd"],
    )
    licence: Licence = F(
        "开放数据许可",
        f"门户开放数据（records.json、CSV、OCDS）的使用许可；不填则为{CC_BY_4[0]}",
        default_factory=lambda: Licence(name=CC_BY_4[0], url=CC_BY_4[1]),
        examples=[{"name": CC_BY_4[0], "url": CC_BY_4[1]}],
    )

    @property
    def prefix(self) -> str:
        """The ocid prefix in use: the registered one, or the placeholder."""
        return self.ocid_prefix or PLACEHOLDER_OCID_PREFIX


class Program(Record):
    kind: Literal["program"] = F("记录类型")
    id: str = F("方案代码", "如 shapingba", pattern=ID_PATTERNS["program"], examples=["shapingba"])
    issuer: Text = F("发榜单位", "如 重庆市沙坪坝区科学技术局")
    credit_code: str | None = F(
        "发榜单位统一社会信用代码",
        "发榜单位（issuer）的 18 位统一社会信用代码（GB 32100-2015，机关以 11 开头）；开放数据（OCDS）以它标识发榜单位，不填则不带标识",
        default=None,
        pattern=CREDIT_CODE_PATTERN,
        examples=["11110000000000000N"],
    )
    region: Text = F("地区")
    # Policy model v2 (SPEC §8): where the issuing authority sits.
    division: str | None = F(
        "行政区划代码", "发榜单位所在地的六位行政区划代码（GB/T 2260）", default=None, pattern=DIVISION_PATTERN, examples=["500106"]
    )
    level: Level | None = F("层级", LEVEL_HELP, default=None)
    mode: Literal["government-led", "enterprise-led", "collaborative"] = F(
        "组织模式", "government-led 政府主导型 | enterprise-led 企业主导型（发榜方为企业，需求单位出资为主）| collaborative 政产学合作型"
    )
    basis: Text = F("政策依据", "实施方案的名称与文号")
    industries: list[Text] = F("重点产业", min_length=1)
    portal: Portal = F("门户设置")
    policy: Policy = F("政策参数", "所有规则参数都在这里；换地区或企业主导型只改此文件")
    approvals: Approvals = F(
        "批准的核验",
        "除 .github/allowed_signers 所列密钥外还信任哪些签名密钥；此项的改动须由已验证的批准合并才生效",
        default_factory=Approvals,
        examples=[{"platform_keys": ["github-web-flow"]}],
    )
    open_data: OpenData = F(
        "开放数据设置",
        "开放数据的使用许可与 OCDS 过程编号前缀",
        default_factory=OpenData,
        examples=[{"ocid_prefix": "ocds-ab12cd", "licence": {"name": CC_BY_4[0], "url": CC_BY_4[1]}}],
    )
    restricted: bool = Field(default=False, title="限定发布范围", description="方案本身总是公开")
