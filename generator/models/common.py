"""Shared pieces of every record model: the strict base, units, money, ids, sources."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

Money = Annotated[int, Field(strict=True, ge=0, description="金额，整数元（不得为小数）")]
Text = Annotated[str, Field(min_length=1)]

CREDIT_CODE_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"

ID_PATTERNS: dict[str, str] = {
    "program": r"^[a-z][a-z0-9-]{1,40}$",
    "need": r"^N-\d{4}-\d{3}$",
    "list": r"^L-\d{4}-\d{3}$",
    "call": r"^C-\d{4}-\d{2}$",
    "bid": r"^B-\d{4}-\d{3}$",
    "review": r"^R-\d{4}-\d{3}$",
    "project": r"^P-\d{4}-\d{3}$",
    "milestone": r"^M-\d{4}-\d{3}-\d{1,2}$",
    "award": r"^A-\d{4}-\d{3}-\d{1,2}$",
}

UnitType = Literal["university", "institute", "enterprise", "new-rd-institution", "hospital", "other"]


def F(title: str, description: str | None = None, **kw: Any) -> Any:
    """A field with the Chinese title and help text that editors show on hover."""
    return Field(title=title, description=description or title, **kw)


class Strict(BaseModel):
    """Unknown keys are errors; parsed records are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Unit(Strict, title="单位"):
    name: Text = F("单位名称")
    credit_code: str = F("统一社会信用代码", "18 位统一社会信用代码（GB 32100-2015），用于判定“同一单位”", pattern=CREDIT_CODE_PATTERN)


class Bidder(Unit, title="揭榜单位"):
    type: UnitType = F(
        "单位类型",
        "university 高校 | institute 科研院所 | enterprise 企业 | new-rd-institution 新型研发机构 | hospital 医疗机构 | other 其他",
    )


@dataclass(frozen=True)
class Source:
    """Where a record came from: its repo-relative path and node tree (for positions)."""

    path: str
    node: yaml.Node | None


@dataclass(frozen=True)
class Finding:
    """What a rule yields: a record, a field path inside it, and a Chinese message."""

    record: Record
    path: Sequence[str | int]
    message: str


class Record(Strict):
    """Fields every record has. ``kind`` and ``id`` are narrowed by each kind."""

    kind: str
    id: str
    restricted: bool = F("限定发布范围", "true：特定发布范围或涉密项目，绝不在门户或开放数据中公开")
    _source: Source | None = PrivateAttr(default=None)

    @property
    def source(self) -> Source | None:
        return self._source

    def attach(self, source: Source) -> None:
        self._source = source

    def finding(self, path: Sequence[str | int], message: str) -> Finding:
        return Finding(self, tuple(path), message)


def walk(value: Any, path: tuple[str | int, ...] = ()) -> Any:
    """Every leaf of a model as (field path, value): for rules that scan all fields."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from walk(getattr(value, name), (*path, name))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from walk(item, (*path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, (*path, key))
    else:
        yield path, value
