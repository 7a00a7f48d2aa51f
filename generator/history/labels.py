"""Chinese names for what a history shows: field paths, coded values, nested values.

Everything comes from the models, so a history never shows an English field name or
code: a field's ``title`` is its name, and a coded field's description lists its codes
with their names (``draft 草拟 | argued 已论证 | …``). Amendments name the list fields
they correct, shown by those fields' titles.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator.history.diff import FieldChange
from generator.models import FOLDER_KIND, KINDS, ChallengeList
from generator.models.listing import Amendment

_SEGMENT = re.compile(r"([^.\[\]]+)|\[([^\]]+)\]")
_CODE = re.compile(r"([a-z][a-z0-9-]*) (\S+)")


def field_label(model: type[BaseModel] | None, path: str) -> str:
    """``indicators[I2].target`` → ``考核指标 I2 › 目标值``, from the models' field titles."""
    parts: list[str] = []
    for name, key in _SEGMENT.findall(path):
        if key:  # a list item: by id, or by position (shown from 1)
            item = f"第{int(key) + 1}项" if key.isdigit() else key
            parts[-1:] = [f"{parts[-1]} {item}" if parts else item]
            continue
        info = _field(model, name)
        parts.append(info.title if info and info.title else name)
        model = nested(info.annotation) if info else None
    return " › ".join(parts)


def field_info(model: type[BaseModel] | None, path: str) -> FieldInfo | None:
    """The model field a path ends at (``funding.subsidy_cny``, ``indicators[I1].target``)."""
    info = None
    for name, key in _SEGMENT.findall(path):
        if key:
            continue
        info = _field(model, name)
        model = nested(info.annotation) if info else None
    return info


def _field(model: type[BaseModel] | None, name: str) -> FieldInfo | None:
    """A model's field by its name in the records (an award's ``source`` is an alias)."""
    fields = model.model_fields if model else {}
    return fields.get(name) or next((f for f in fields.values() if f.alias == name), None)


def nested(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``Funding``, ``list[Indicator]``, ``Decision | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = nested(arg)
        if found is not None:
            return found
    return None


def codes(info: FieldInfo | None) -> dict[str, str]:
    """A coded field's names by code, read from its description (``draft 草拟 | …``), or
    from another field with the same codes that describes them (``unit_types``: ``type``)."""
    if info is None:
        return {}
    if info.description and " | " in info.description and (found := _codes(info.description)):
        return found
    return _described().get(_literal(info.annotation), {})


def _literal(annotation: Any) -> frozenset[str]:
    """The codes a ``Literal`` (also inside ``list[…]`` or ``… | None``) allows."""
    if get_origin(annotation) is Literal:
        return frozenset(map(str, get_args(annotation)))
    return next((found for arg in get_args(annotation) if (found := _literal(arg))), frozenset())


@cache
def _described() -> dict[frozenset[str], dict[str, str]]:
    out: dict[frozenset[str], dict[str, str]] = {}
    seen: set[type[BaseModel]] = set()
    stack: list[type[BaseModel]] = [k.model for k in KINDS.values()]
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        for info in model.model_fields.values():
            if (allowed := _literal(info.annotation)) and info.description and (found := _codes(info.description)):
                out.setdefault(allowed, found)
            if (inner := nested(info.annotation)) is not None:
                stack.append(inner)
    return out


@cache
def _codes(description: str) -> dict[str, str]:
    found = [_CODE.fullmatch(part.strip()) for part in description.rsplit("：", 1)[-1].split(" | ")]
    return {m[1]: m[2] for m in found if m} if all(found) else {}


def value_text(value: Any, info: FieldInfo | None = None) -> str:
    """A field's value in Chinese: null as （空）, booleans as 是/否, codes by their names,
    mappings by their fields' titles."""
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        model = nested(info.annotation) if info else None
        return "，".join(f"{_title(model, k)} {value_text(v, _field(model, k))}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(value_text(v, info) for v in value) or "（无）"
    if info is _AMENDED:  # the names of the list fields an amendment corrects
        return _title(ChallengeList, value)
    return codes(info).get(str(value), str(value))


_AMENDED = Amendment.model_fields["fields"]


def _title(model: type[BaseModel] | None, name: str) -> str:
    info = _field(model, name)
    return info.title if info and info.title else name


def kind_at(path: str) -> str | None:
    """The kind of the record file at a repo-relative path, by its folder."""
    parts = path.split("/")
    if parts == ["records", "program.yaml"]:
        return "program"
    return FOLDER_KIND.get(parts[1]) if len(parts) > 2 else None


def status_text(kind: str | None, status: str) -> str:
    """A record's status by its Chinese name (``awarded`` → ``已揭榜``)."""
    return codes(field_info(KINDS[kind].model, "status") if kind in KINDS else None).get(status, status)


def change_text(kind: str | None, change: FieldChange) -> str:
    """One field change for an official: ``状态：草拟 → 已论证``, ``来源需求：新增 N-2024-005``."""
    model = KINDS[kind].model if kind in KINDS else None
    info = field_info(model, change.path) if model else None
    label = field_label(model, change.path) if model else change.path
    if change.op == "added":
        return f"{label}：新增 {value_text(change.new, info)}"
    if change.op == "removed":
        return f"{label}：删除 {value_text(change.old, info)}"
    return f"{label}：{value_text(change.old, info)} → {value_text(change.new, info)}"


_EMAIL = re.compile(r"\s*<[^>]*>\s*$")


def public_name(name: str) -> str:
    """A person as the portal names them: no e-mail address (personal data stays in the
    repository): ``张三 <zhang@example.org>`` → ``张三``, ``zhang@example.org`` → ``zhang``."""
    bare = _EMAIL.sub("", name).strip()
    return bare.split("@", 1)[0] if "@" in bare else bare
