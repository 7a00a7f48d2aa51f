"""The national tables: one flat, typed table per thing the national view counts.

Each programme's open data becomes rows of these tables (``generator.federate.model``);
the national open data is their union over the programmes, written as Parquet, CSV and
JSON (``generator.federate.outputs``). Ids are namespaced by programme
(``shapingba/L-2024-001``). Every column has a Chinese title and a description, shown on
the national portal's 开放数据 page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from generator.portal import labels
from generator.portal.labels import described


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    title: str
    description: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    label: str
    columns: tuple[Column, ...]

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.type) for c in self.columns])

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def table(self, rows: list[dict[str, object]]) -> pa.Table:
        return pa.Table.from_pylist(rows, schema=self.schema)


S, N, D = pa.string(), pa.int64(), pa.date32()  # text, whole numbers (yuan, counts), dates

PROGRAMMES = Table("programmes", "方案", (
    Column("programme", S, "方案代码", "汇总中的命名空间，即该方案 program.yaml 的 id"),
    Column("title", S, "门户标题"),
    Column("issuer", S, "发榜单位"),
    Column("region", S, "地区", "方案自报的地区名称"),
    Column("mode", S, "组织模式", described(labels.MODE)),
    Column("level", S, "层级", described(labels.LEVEL) + "；未注明时为空"),
    Column("division", S, "行政区划代码", "GB/T 2260；方案未注明时取需求单位统一社会信用代码第 3–8 位中最常见者"),
    Column("division_from", S, "区划来源", "program 方案注明 | end-users 由需求单位信用代码推定"),
    Column("province_code", S, "省级代码", "行政区划代码前两位"),
    Column("province", S, "省（自治区、直辖市）"),
    Column("city", S, "市"),
    Column("county", S, "县（区）"),
    Column("portal_url", S, "方案门户地址"),
    Column("source", S, "开放数据来源"),
    Column("as_of", D, "数据截至日期"),
    Column("lists", N, "公开榜单数"),
))  # fmt: skip

LISTS = Table("lists", "榜单", (
    Column("id", S, "编号", "方案代码/榜单编号，如 shapingba/L-2024-001"),
    Column("programme", S, "方案代码"),
    Column("list_id", S, "方案内编号"),
    Column("title", S, "榜单名称"),
    Column("industry", S, "所属产业"),
    Column("grade", S, "项目等级代码"),
    Column("grade_label", S, "项目等级", "方案 policy.grades 中的名称，如 重点项目"),
    Column("status", S, "状态", described(labels.LIST_STATUS, ("published", "closed", "awarded", "unclaimed", "withdrawn"))),
    Column("track", S, "类别", described(labels.TRACK) + "；未注明时为空"),
    Column("mode", S, "组织模式", "方案的组织模式"),
    Column("level", S, "层级", "方案的层级"),
    Column("province_code", S, "省级代码", "发榜方案所在省"),
    Column("province", S, "省（自治区、直辖市）"),
    Column("year", N, "年度", "榜单确定日期的年份（无时取编号中的年份）"),
    Column("closes", D, "申报截止", "所属申报指南的截止日期"),
    Column("subsidy_cny", N, "财政资助（元）"),
    Column("end_user_cny", N, "需求单位投入（元）"),
    Column("others_cny", N, "其他来源投入（元）", "funding.others 合计"),
    Column("total_cny", N, "总投入（元）", "财政资助 + 需求单位投入 + 其他来源投入"),
    Column("bids_count", N, "揭榜申报数"),
    Column("scope", S, "发布范围", described(labels.SCOPE)),
    Column("issuer", S, "发榜方", "榜单的发榜方（未注明时为方案的发榜单位）"),
    Column("end_user", S, "需求单位"),
    Column("end_user_code", S, "需求单位统一社会信用代码"),
    Column("bottleneck", S, "“卡点”问题"),
    Column("impact", S, "对行业产业的影响"),
    Column("benchmark", S, "对标情况"),
    Column("indicators", S, "考核指标", "JSON 数组：id、name、target、verification"),
    Column("period_months", N, "实施周期（月）"),
    Column("url", S, "榜单页面", "该榜单在其方案门户上的页面"),
))  # fmt: skip

WINNERS = Table("winners", "入选揭榜单位", (
    Column("id", S, "编号", "方案代码/揭榜申报编号"),
    Column("programme", S, "方案代码"),
    Column("list", S, "榜单编号"),
    Column("lead", S, "牵头单位"),
    Column("lead_type", S, "牵头单位类型"),
    Column("lead_code", S, "牵头单位统一社会信用代码"),
    Column("lead_province", S, "牵头单位登记地所在省", "由信用代码第 3–4 位得出"),
    Column("units", N, "揭榜单位数", "牵头与联合单位中带统一社会信用代码的单位数"),
    Column("units_outside", N, "外省单位数", "其中登记地不在发榜方案所在省的单位数"),
    Column("requested_cny", N, "申请资助（元）"),
))  # fmt: skip

PROJECTS = Table("projects", "项目", (
    Column("id", S, "编号", "方案代码/项目编号"),
    Column("programme", S, "方案代码"),
    Column("list", S, "榜单编号"),
    Column("status", S, "状态", described(labels.PROJECT_STATUS)),
    Column("subsidy_cny", N, "财政资助（元）"),
    Column("paid_cny", N, "已拨付（元）"),
    Column("starts", D, "开始日期"),
    Column("ends", D, "结束日期"),
))  # fmt: skip

AWARDS = Table("awards", "资金拨付", (
    Column("id", S, "编号", "方案代码/拨付编号"),
    Column("programme", S, "方案代码"),
    Column("project", S, "项目编号"),
    Column("date", D, "拨付日期"),
    Column("amount_cny", N, "金额（元）"),
    Column("basis", S, "依据", described(labels.AWARD_BASIS)),
    Column("source", S, "资金来源", described(labels.AWARD_SOURCE)),
))  # fmt: skip

FUNDING = Table("funding", "投入来源", (
    Column("programme", S, "方案代码"),
    Column("list", S, "榜单编号"),
    Column("source", S, "来源", "subsidy 财政资助 | end-user 需求单位 | government 其他政府资金 | enterprise 企业 | fund 基金 | venture 创投 | insurance 保险 | other 其他"),
    Column("payer", S, "出资方"),
    Column("amount_cny", N, "金额（元）"),
))  # fmt: skip

WITHHELD = Table("withheld", "未公开记录数", (
    Column("programme", S, "方案代码"),
    Column("kind", S, "记录类型", "list 榜单 | call 申报指南 | bid 揭榜申报 | review 评审 | project 项目 | milestone 里程碑 | award 资金拨付"),
    Column("count", N, "数目", "因限定发布范围而未公开的记录数；各方案只公布数目"),
))  # fmt: skip

SIMILAR = Table("similar", "同质化榜单", (
    Column("group", N, "组号"),
    Column("leader", S, "组内最早的榜单"),
    Column("member", S, "相似榜单"),
    Column("score", pa.float64(), "相似度", "名称、“卡点”问题与考核指标词集合的 Jaccard 相似度（MinHash 估计）"),
))  # fmt: skip

# The tables each programme contributes (in its cached result), and those of the national data.
PROGRAMME_TABLES = (PROGRAMMES, LISTS, WINNERS, PROJECTS, AWARDS, FUNDING, WITHHELD)
NATIONAL_TABLES = (*PROGRAMME_TABLES, SIMILAR)
SIGNATURES = pa.schema([pa.field("id", S), pa.field("minhash", pa.binary())])

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A CSV cell: text that a spreadsheet would run as a formula is written with a leading
    apostrophe (OWASP's advice for CSV injection); dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(_FORMULA) else text
