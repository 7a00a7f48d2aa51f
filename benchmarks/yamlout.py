"""A small, fast YAML writer for synthetic records, in the style of hand-written files.

Mappings of scalars and lists of scalars go in flow style (``{name: …, credit_code: …}``),
everything else in block style; strings stay plain when that is unambiguous and are
double-quoted (JSON escaping is valid YAML) otherwise. ``None`` values are left out.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

# Plain only when it cannot be read as anything but this string, in block and flow context.
_PLAIN = re.compile(r"[^\W\d_][\w（）《》〔〕“”、，。；·—\-～ ]*")
_RESERVED = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


_TEXT: dict[str, str] = {}  # names, codes and wording repeat across records


def scalar(value: Any) -> str:
    if type(value) is str:
        text = _TEXT.get(value)
        if text is None:
            plain = _PLAIN.fullmatch(value) and value.lower() not in _RESERVED and not value.endswith(" ")
            text = _TEXT[value] = value if plain else json.dumps(value, ensure_ascii=False)
        return text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False)


def _flat(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _flowable(value: Any) -> bool:
    """Scalars, lists of scalars, and mappings of those: written on one line."""
    if isinstance(value, dict):
        return all(_flat(v) or (isinstance(v, list) and all(map(_flat, v))) for v in value.values())
    return isinstance(value, list) and all(map(_flat, value))


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v) if isinstance(v, list) else scalar(v)}" for k, v in value.items() if v is not None) + "}"
    return "[" + ", ".join(scalar(v) for v in value) + "]"


def _block(data: dict[str, Any], indent: str, out: list[str]) -> None:
    for key, value in data.items():
        if value is None:
            continue
        if _flat(value):
            out.append(f"{indent}{key}: {scalar(value)}")
        elif (isinstance(value, dict) and all(map(_flat, value.values()))) or (isinstance(value, list) and all(map(_flat, value))):
            out.append(f"{indent}{key}: {_flow(value)}")
        elif isinstance(value, dict):
            out.append(f"{indent}{key}:")
            _block(value, indent + "  ", out)
        else:
            out.append(f"{indent}{key}:")
            for item in value:
                if _flowable(item):
                    out.append(f"{indent}  - {_flow(item)}")
                else:
                    raise ValueError(f"unsupported nesting under {key}")


def dump(data: dict[str, Any]) -> str:
    """One record as YAML text."""
    out: list[str] = []
    _block(data, "", out)
    return "\n".join(out) + "\n"
