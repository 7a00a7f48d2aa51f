"""Shared pieces of every record model: the strict base, units, money, ids, sources."""

from __future__ import annotations

import datetime as dt
import functools
import re
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

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

# A record id anywhere in a text. Each alternative starts with the capital letter it matches
# literally and checks what comes before it afterwards (a lookbehind): the regex engine then
# skips ahead to candidates instead of trying every position of a page.
_KIND_IDS = [p.strip("^$") for k, p in ID_PATTERNS.items() if k != "program"]
RECORD_ID = re.compile(r"[A-Z](?<![A-Za-z0-9-][A-Z])(?:" + "|".join(f"(?<={p[0]}){p[1:]}" for p in _KIND_IDS) + r")(?![0-9-])")

UnitType = Literal["university", "institute", "enterprise", "new-rd-institution", "hospital", "other"]
UNIT_TYPES: tuple[str, ...] = typing.get_args(UnitType)
# Who may bid (SPEC §8): a unit (with a credit code), a team or an individual (without one).
BidderKind = Literal["unit", "team", "individual"]
BidderType = Literal["university", "institute", "enterprise", "new-rd-institution", "hospital", "other", "team", "individual"]
BIDDER_TYPE_LABELS: dict[str, str] = {
    "university": "高校",
    "institute": "科研院所",
    "enterprise": "企业",
    "new-rd-institution": "新型研发机构",
    "hospital": "医疗机构",
    "other": "其他",
    "team": "团队",
    "individual": "个人",
}
BIDDER_KIND_LABELS: dict[str, str] = {"unit": "单位", "team": "团队", "individual": "个人"}
UNIT_TYPE_HELP = " | ".join(f"{t} {BIDDER_TYPE_LABELS[t]}" for t in UNIT_TYPES)


def ref_pattern(*kinds: str) -> str:
    """The id pattern of a reference to a record of one of ``kinds``."""
    return "^(?:" + "|".join(ID_PATTERNS[k].strip("^$") for k in kinds) + ")$"


def Ref(title: str, description: str, kind: str, example: str, **kw: Any) -> Any:
    """A reference field: an id of ``kind``, with its pattern and an example."""
    return F(title, description, pattern=ID_PATTERNS[kind], examples=[example], **kw)


def F(title: str, description: str | None = None, **kw: Any) -> Any:
    """A field with the Chinese title and help text that editors show on hover."""
    return Field(title=title, description=description or title, **kw)


class Strict(BaseModel):
    """Unknown keys are errors; parsed records are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


CREDIT_CODE_HELP = "18 位统一社会信用代码（GB 32100-2015），用于判定“同一单位”"
CREDIT_CODE_EXAMPLE = "91110000MA0000000H"  # all zeros: no real unit, and no record of the demos or tests


class Unit(Strict, title="单位"):
    name: Text = F("单位名称")
    credit_code: str = F("统一社会信用代码", CREDIT_CODE_HELP, pattern=CREDIT_CODE_PATTERN, examples=[CREDIT_CODE_EXAMPLE])


class Bidder(Strict, title="揭榜方"):
    """A unit, or (where the programme admits them) a team or an individual, which have no credit code."""

    name: Text = F("名称", "单位名称，或团队、个人的名称（如 张某团队）")
    type: BidderType = F("揭榜方类型", f"{UNIT_TYPE_HELP} | team 团队 | individual 个人")
    credit_code: str | None = F(
        "统一社会信用代码",
        f"{CREDIT_CODE_HELP}；单位必填，团队和个人不填",
        default=None,
        pattern=CREDIT_CODE_PATTERN,
        examples=[CREDIT_CODE_EXAMPLE],
    )

    @property
    def kind(self) -> str:
        """unit, team or individual: the bidder kinds a programme or list admits."""
        return self.type if self.type in ("team", "individual") else "unit"

    @model_validator(mode="after")
    def _code_fits_kind(self) -> Bidder:
        if self.kind == "unit" and self.credit_code is None:
            raise ValueError(f"单位“{self.name}”须填写统一社会信用代码（credit_code）")
        if self.kind != "unit" and self.credit_code is not None:
            raise ValueError(f"{'团队' if self.kind == 'team' else '个人'}“{self.name}”没有统一社会信用代码，不应填写 credit_code")
        return self


# Units must carry a credit code, for editors and JSON Schema engines as for the model.
Bidder.model_config["json_schema_extra"] = {
    "if": {"properties": {"type": {"enum": list(UNIT_TYPES)}}},
    "then": {"required": ["credit_code"]},
}


class Source:
    """Where a record came from: its repo-relative path and node tree (for positions).

    The tree is given, or made by ``load`` when first asked for (the loader composes the
    file's bytes again): a national record set holds ~10⁷ nodes, and only records with
    findings need theirs.
    """

    def __init__(self, path: str, node: yaml.Node | None = None, load: Callable[[], yaml.Node | None] | None = None) -> None:
        self.path = path
        self._node = node
        self._load = load

    @property
    def node(self) -> yaml.Node | None:
        if self._node is None and self._load is not None:
            self._node, self._load = self._load(), None
        return self._node

    def __repr__(self) -> str:
        return f"Source({self.path!r})"


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
        private = self.__pydantic_private__  # read directly: BaseModel.__getattr__ is slow
        return private.get("_source") if private else None

    def attach(self, source: Source) -> None:
        self._source = source

    def finding(self, path: Sequence[str | int], message: str) -> Finding:
        return Finding(self, tuple(path), message)


_LEAVES = frozenset({str, int, bool, float, type(None), dt.date, dt.datetime})
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


def share_fields_sets(value: Any) -> None:
    """Let models that were given the same fields share one ``__pydantic_fields_set__``.

    pydantic keeps, in every model instance, its own set of the field names it was
    given: a few hundred bytes each, which adds up over a national set.
    Records are frozen, so the set never changes afterwards (``model_copy`` copies it),
    and one set object per distinct set of names serves them all.
    """
    if isinstance(value, BaseModel):
        given = value.__pydantic_fields_set__
        shared = _FIELDS_SETS.setdefault(frozenset(given), given)
        if shared is not given:
            object.__setattr__(value, "__pydantic_fields_set__", shared)
        for item in value.__dict__.values():
            if type(item) not in _LEAVES:
                share_fields_sets(item)
    elif isinstance(value, list | tuple):
        for item in value:
            share_fields_sets(item)
    elif isinstance(value, dict):
        for item in value.values():
            share_fields_sets(item)


def walk(value: Any, path: tuple[str | int, ...] = ()) -> Any:
    """Every leaf of a model as (field path, value): for rules that scan all fields.

    Depth first, fields in declaration order. Iterative, with plain values recognised by
    type before asking ``isinstance(…, BaseModel)`` (an ABC check): rules call this
    for every record of a national set.
    """
    stack: list[tuple[tuple[str | int, ...], Any]] = [(path, value)]
    pop, push = stack.pop, stack.extend
    while stack:
        path, value = pop()
        if type(value) in _LEAVES:
            yield path, value
        elif isinstance(value, BaseModel):
            fields = value.__dict__
            push([((*path, name), fields[name]) for name in reversed(_field_names(type(value)))])
        elif isinstance(value, list | tuple):
            push([((*path, i), value[i]) for i in range(len(value) - 1, -1, -1)])
        elif isinstance(value, dict):
            push([((*path, key), value[key]) for key in reversed(value)])
        else:
            yield path, value


@functools.cache
def _field_names(cls: type[BaseModel]) -> tuple[str, ...]:
    """A model's field names in declaration order (``model_fields`` is a slow descriptor)."""
    return tuple(cls.model_fields)


_SKIP = frozenset({int, bool, float, type(None), dt.date, dt.datetime})


def _children(value: Any) -> Iterable[tuple[Any, Any]] | None:
    """(key, value) pairs of a model, list or mapping; None for a plain value."""
    if isinstance(value, BaseModel):
        fields = value.__dict__
        return ((name, fields[name]) for name in _field_names(type(value)))
    if isinstance(value, list | tuple):
        return enumerate(value)
    if isinstance(value, dict):
        return value.items()
    return None


Leaf = tuple[tuple[str | int, ...], str | int, str]  # (parent path, key, text)


def texts(value: Any, parent: tuple[str | int, ...] = ()) -> list[Leaf]:
    """Every text leaf of a model as (parent path, key, text), in the order of ``walk``.

    The leaf's field path is ``(*parent, key)``: a rule builds it only for a finding,
    which makes scanning every text of a national set about three times faster. The
    leaves are gathered into one list (no chain of generators to pass each through).
    """
    out: list[Leaf] = []
    _texts_into(value, parent, out.append)
    return out


def _texts_into(value: Any, parent: tuple[str | int, ...], add: Callable[[Leaf], None]) -> None:
    items = _children(value)
    if items is None:
        return
    for key, item in items:
        cls = type(item)
        if cls is str:
            add((parent, key, item))
        elif cls not in _SKIP:
            if isinstance(item, str):
                add((parent, key, item))
            else:
                _texts_into(item, (*parent, key), add)
