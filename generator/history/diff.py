"""Field-level differences between two versions of a record (their parsed YAML data).

Mappings are compared key by key; lists of mappings that carry an ``id`` (indicators,
indicator results) are matched by id, so an added indicator is one change, not a shift
of every later one; other lists of mappings by position; lists of plain values by
value (``needs: + N-2024-005``). A field set to ``null`` is a change to ``null``; a
field that disappears is a removal. The two are never confused.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


class _Absent:
    """No such field (as opposed to a field whose value is null)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class FieldChange:
    """One field's change. ``path`` reads ``funding.subsidy_cny``, ``indicators[I2].target``,
    ``period.nodes[1].month``; an item added to or removed from a list has its whole value
    as ``new`` or ``old``."""

    path: str
    old: Any = ABSENT
    new: Any = ABSENT

    @property
    def op(self) -> str:
        if self.old is ABSENT:
            return "added"
        if self.new is ABSENT:
            return "removed"
        return "changed"

    def text(self) -> str:
        if self.op == "added":
            return f"{self.path}: + {show(self.new)}"
        if self.op == "removed":
            return f"{self.path}: - {show(self.old)}"
        return f"{self.path}: {show(self.old)} → {show(self.new)}"

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "op": self.op}
        if self.old is not ABSENT:
            out["old"] = self.old
        if self.new is not ABSENT:
            out["new"] = self.new
        return out


def show(value: Any) -> str:
    """A value as one line: scalars plainly, ``null`` as null, structures as compact JSON."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return str(value)


def field_changes(old: Any, new: Any) -> list[FieldChange]:
    """Every field that differs between two versions (JSON-form data), in document order."""
    return list(_diff(old, new, ""))


def _diff(old: Any, new: Any, path: str) -> Iterator[FieldChange]:
    if _same(old, new):
        return
    if isinstance(old, dict) and isinstance(new, dict):
        yield from _diff_keys(old, new, lambda key: f"{path}.{key}" if path else str(key))
    elif isinstance(old, list) and isinstance(new, list):
        yield from _diff_list(old, new, path)
    else:
        yield FieldChange(path or "(整条记录)", old, new)


def _diff_keys(old: dict[Any, Any], new: dict[Any, Any], name: Callable[[Any], str]) -> Iterator[FieldChange]:
    """Entries matched by key: old order first, then keys only the new version has."""
    for key in [*old, *(k for k in new if k not in old)]:
        if key not in new:
            yield FieldChange(name(key), old[key], ABSENT)
        elif key not in old:
            yield FieldChange(name(key), ABSENT, new[key])
        else:
            yield from _diff(old[key], new[key], name(key))


def _diff_list(old: list[Any], new: list[Any], path: str) -> Iterator[FieldChange]:
    if _keyed(old) and _keyed(new):
        by_id = {item["id"]: item for item in old}, {item["id"]: item for item in new}
        yield from _diff_keys(*by_id, lambda key: f"{path}[{key}]")
    elif all(isinstance(v, dict | list) for v in old + new):
        for i in range(max(len(old), len(new))):
            yield from _diff(old[i] if i < len(old) else ABSENT, new[i] if i < len(new) else ABSENT, f"{path}[{i}]")
    else:
        removed = [v for v in old if v not in new]
        added = [v for v in new if v not in old]
        if not removed and not added:  # same items, new order
            yield FieldChange(path, old, new)
        yield from (FieldChange(path, v, ABSENT) for v in removed)
        yield from (FieldChange(path, ABSENT, v) for v in added)


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types throughout (``1`` is not ``true``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _keyed(items: list[Any]) -> bool:
    """A list of mappings, each with a distinct scalar ``id``."""
    ids = [item.get("id") for item in items if isinstance(item, dict)]
    return len(ids) == len(items) and all(isinstance(i, str | int) for i in ids) and len(set(ids)) == len(ids)
