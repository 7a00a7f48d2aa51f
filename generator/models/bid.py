"""bid — 揭榜申报. No age, degree, title or registration-time fields (第五条（二））."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from generator.models.common import ID_PATTERNS, Bidder, F, Money, Record, Ref, Strict, Text


class Person(Strict, title="人员"):
    name: Text = F("姓名")


class Declarations(Strict, title="承诺事项"):
    good_credit: bool = F("社会信用良好承诺")
    own_ip: bool = F("自主知识产权承诺")
    responsibility_letter: bool = F(
        "军令状", "承诺按期完成攻关任务的军令状（责任状）；方案 policy.responsibility_letter 为 true 时必须为 true", default=False
    )


Bidders = list[Bidder]  # an alias: inside Bid, `list` is a field name


class Bid(Record):
    kind: Literal["bid"] = F("记录类型")
    id: str = F("申报编号", "B-年份-三位序号", pattern=ID_PATTERNS["bid"])
    list: str = Ref("所揭榜单", "榜单编号 L-年份-三位序号", "list", "L-2024-003")
    submitted: dt.date = F("提交日期")
    lead: Bidder = F("牵头揭榜方", "单位，或方案允许时的团队（type: team）、个人（type: individual）")
    partners: Bidders = F("联合揭榜方", "联合揭榜的其他单位、团队或个人", default_factory=Bidders)
    principal_investigator: Person = F("项目负责人", "只记姓名：方案禁止年龄、学历、职称门槛")
    plan_summary: Text = F("可行性方案摘要")
    requested_cny: Money = F("申请资助（元）")
    declarations: Declarations = F("承诺事项")
    status: Literal["submitted", "withdrawn"] = F("状态", "submitted 已提交 | withdrawn 已撤回")
