"""Field path → line and column, over the composed YAML node tree.

This is the only place that computes positions: validators and rules produce a
field path such as ``("funding", "subsidy_cny")`` or ``("indicators", 1, "target")``.
"""

from __future__ import annotations

from collections.abc import Sequence

import yaml

FieldPath = Sequence[str | int]


def locate(node: yaml.Node | None, path: FieldPath) -> tuple[int, int]:
    """1-based (line, column) of the deepest node on ``path`` that exists.

    A mapping entry is located at its key (the start of the line in block style), a
    sequence item at the item; a missing field falls back to the nearest ancestor.
    """
    if node is None:
        return 1, 1
    mark = node.start_mark
    for part in path:
        found = None
        if isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                    found, mark = value, key.start_mark
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            found = node.value[part]
            mark = found.start_mark
        if found is None:
            break
        node = found
    return mark.line + 1, mark.column + 1


def dotted(path: FieldPath) -> str:
    """``("indicators", 1, "target")`` → ``indicators[1].target``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
