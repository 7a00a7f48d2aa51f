"""award — 资金拨付 / 成果兑现."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import ConfigDict, model_validator

from generator.models.common import ID_PATTERNS, F, Money, Record, Ref, Unit


class Award(Record):
    model_config = ConfigDict(extra="forbid", frozen=True, serialize_by_alias=True)

    kind: Literal["award"] = F("记录类型")
    id: str = F("拨付编号", "A-项目年份-项目序号-序号，如 A-2024-003-2", pattern=ID_PATTERNS["award"])
    project: str = Ref("项目", "项目编号 P-年份-三位序号", "project", "P-2024-003")
    date: dt.date = F("拨付日期")
    amount_cny: Money = F("拨付金额（元）")
    basis: Literal["agreement", "milestone", "acceptance"] = F(
        "拨付依据", "agreement 任务书签订 | milestone 节点通过 | acceptance 验收通过"
    )
    milestone: str | None = Ref("节点", "节点编号；basis 为 milestone 时必填", "milestone", "M-2024-003-1", default=None)
    # Written `source` in the record; named otherwise here because `Record.source` is where the record came from.
    funding_source: Literal["subsidy", "end-user", "other"] = F(
        "资金来源", "subsidy 财政资助（默认）| end-user 需求单位投入 | other 其他出资方（须填 payer）", default="subsidy", alias="source"
    )
    payer: Unit | None = F("出资方", "source 为 other 时必填：须是榜单 funding.others 中的出资方", default=None)

    @model_validator(mode="after")
    def _payer_fits_source(self) -> Award:
        if self.funding_source == "other" and self.payer is None:
            raise ValueError("资金来源为其他出资方（source: other）时须填写出资方（payer）")
        if self.funding_source != "other" and self.payer is not None:
            raise ValueError(
                f"资金来源为 {self.funding_source} 时不填写出资方（payer）：财政资助由发榜单位拨付，需求单位投入由需求单位支付"
            )
        return self


# The same constraint for editors and JSON Schema engines.
Award.model_config["json_schema_extra"] = {
    "if": {"properties": {"source": {"const": "other"}}, "required": ["source"]},
    "then": {"required": ["payer"]},
}
