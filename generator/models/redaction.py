"""redactions — personal data committed by mistake, withheld from every public view of history.

One optional file, ``records/redactions.yaml``. Git history is evidence and is never
rewritten; an entry names the commit that brought the data in, the record and the field,
and the portal, the decision log and ``--as-of`` builds show 〔已隐去〕 in its place from that
commit on (the field's present value excepted: correct the record itself). The file is never
published.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.models.common import ID_PATTERNS, F, Record, Strict, Text

ANY_RECORD_ID = "^(?:" + "|".join(p.strip("^$") for p in ID_PATTERNS.values()) + ")$"
# funding.subsidy_cny, contacts[0].phone, indicators[I2].target: the paths `jiebang history` prints.
FIELD_PATH = r"^[a-z_][a-z0-9_]*(?:\[[A-Za-z0-9_-]+\])*(?:\.[a-z_][a-z0-9_]*(?:\[[A-Za-z0-9_-]+\])*)*$"


class Redaction(Strict, title="隐去条目"):
    commit: str = F("提交", "带入该个人信息的提交编号（git 提交号，至少 7 位十六进制）", pattern=r"^[0-9a-f]{7,40}$")
    record: str = F("记录编号", "含个人信息的记录，如 B-2024-011", pattern=ANY_RECORD_ID)
    field: str = F("字段路径", "如 principal_investigator.name、contacts[0].phone；其下各层一并隐去", pattern=FIELD_PATH)
    reason: Text = F("理由", "为何隐去，如 误录个人手机号；不得复述被隐去的内容")


class Redactions(Record):
    kind: Literal["redactions"] = F("记录类型")
    id: Literal["redactions"] = F("记录代码", "固定为 redactions", default="redactions")
    entries: list[Redaction] = F("隐去条目", "每条指明一次误录：提交、记录、字段与理由", default_factory=list)
    restricted: bool = Field(default=False, title="限定发布范围", description="不适用：隐去记录本身从不公开")
