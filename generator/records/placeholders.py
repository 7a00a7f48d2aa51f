"""S007: placeholder text left in a record (what ``jiebang new`` writes for every field to fill).

Checked on the parsed data before the JSON Schema: a placeholder in a date or money field
would otherwise be reported as a wrong type, which says less than "fill this in".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

PLACEHOLDER = "待填写"
# Whole values that only hold a place: compared after trimming, Latin letters in any case.
PLACEHOLDERS = frozenset({PLACEHOLDER, "待补充", "todo", "tbd", "fixme"})

FieldPath = tuple[str | int, ...]


_WORDS = tuple(word.encode() for word in PLACEHOLDERS)


def may_hold(raw: bytes) -> bool:
    """Whether a file's bytes can hold a placeholder at all: one of the words, in any case,
    or a backslash (a double-quoted escape such as \\u5f85 can spell one). Most files can't,
    and skip the walk over their data."""
    lowered = raw.lower()
    return b"\\" in raw or any(word in lowered for word in _WORDS)


def is_placeholder(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower() in PLACEHOLDERS


def placeholders(data: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """(field path, text) of every value and mapping key that is a placeholder, in document order."""
    if isinstance(data, dict):
        for key, value in data.items():
            if is_placeholder(key):
                yield (*path, key), key
            else:
                yield from placeholders(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from placeholders(value, (*path, i))
    elif is_placeholder(data):
        yield path, data
