"""Edits on a record's YAML text that keep everything else as written.

A record file is block YAML with two-space indentation: each key on its own line, its
nested keys and sequence items indented below it. These edits find a key by its path
(``("publicity", "outcome")``) and change only its lines, so a replayed earlier version of
a record differs from the file as shipped in exactly the lines a change would touch
(``generator/records/replay.py``). A path that is not there is a ``KeyError``: the caller
asked for an edit the text does not support.
"""

from __future__ import annotations

import re

_INDENT = 2


def drop(text: str, key: str) -> str:
    """The text without top-level ``key`` and everything nested under it."""
    lines = text.splitlines(keepends=True)
    start, end = _span(lines, (key,))
    return "".join(lines[:start] + lines[end:])


def set_value(text: str, path: tuple[str, ...], value: str) -> str:
    """The text with the scalar at ``path`` written as ``value`` (a YAML scalar as text)."""
    lines = text.splitlines(keepends=True)
    start, end = _span(lines, path)
    if end - start != 1:
        raise KeyError(f"{'.'.join(path)} is not a one-line value")
    lines[start] = f"{' ' * (_INDENT * (len(path) - 1))}{path[-1]}: {value}\n"
    return "".join(lines)


def keep_items(text: str, path: tuple[str, ...], count: int) -> str:
    """The text with only the first ``count`` items of the block sequence at ``path``
    (``[]`` when none is left)."""
    lines = text.splitlines(keepends=True)
    start, end = _span(lines, path)
    items = _items(lines, start, end, _INDENT * len(path))
    if count >= len(items):
        return text
    kept = lines[start : items[count]] if count else [f"{' ' * (_INDENT * (len(path) - 1))}{path[-1]}: []\n"]
    return "".join(lines[:start] + kept + lines[end:])


def set_in_items(text: str, path: tuple[str, ...], key: str, value: str) -> str:
    """The text with ``key: value`` in every flow-mapping item of the sequence at ``path``
    (``- {received: …, outcome: dismissed}`` → ``outcome: pending``)."""
    lines = text.splitlines(keepends=True)
    start, end = _span(lines, path)
    field = re.compile(rf"(?<=[{{,\s]){re.escape(key)}:\s*[^,}}]+")
    for i in _items(lines, start, end, _INDENT * len(path)):
        lines[i] = field.sub(f"{key}: {value}", lines[i], count=1)
    return "".join(lines)


def has(text: str, path: tuple[str, ...]) -> bool:
    try:
        _span(text.splitlines(keepends=True), path)
    except KeyError:
        return False
    return True


def _span(lines: list[str], path: tuple[str, ...]) -> tuple[int, int]:
    """The lines of ``path``'s key and of everything nested under it: ``[start, end)``."""
    lo, hi = 0, len(lines)
    for depth, key in enumerate(path):
        indent = _INDENT * depth
        head = f"{' ' * indent}{key}:"
        start = next(
            (i for i in range(lo, hi) if lines[i].startswith(head) and lines[i][len(head) : len(head) + 1] in (" ", "\n", "")), None
        )
        if start is None:
            raise KeyError(".".join(path))
        end = start + 1
        while end < hi and (not lines[end].strip() or _indent_of(lines[end]) > indent):
            end += 1
        while end > start + 1 and not lines[end - 1].strip():  # blank lines after the block are not its own
            end -= 1
        lo, hi = start + (1 if depth < len(path) - 1 else 0), end
    return lo, hi


def _items(lines: list[str], start: int, end: int, indent: int) -> list[int]:
    """Where each item of the block sequence in ``lines[start + 1:end]`` begins."""
    return [i for i in range(start + 1, end) if lines[i].startswith(" " * indent + "- ")]


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
