"""S008: values a YAML 1.2 editor shows differently, and control characters.

PyYAML resolves plain scalars by YAML 1.1: ``on``, ``yes``, ``no`` are booleans, ``030``
is octal 24, ``1:30`` is 90, ``100_000`` is 100000, ``0b11`` is 3 — where YAML 1.2 (what
editors, linters and most other tools read) sees text or another number. Conversely
YAML 1.2 reads ``1e5``, ``09`` and ``0o17`` as numbers where PyYAML keeps text. Each such
value is S008 at its own position, with how to write it unambiguously. Hexadecimal
``0x…`` reads the same in both but is refused too: a sum of money is written in decimal.

Control characters: a string may hold ``\\n`` and ``\\t`` and no other C0 or C1 control
character (nor DEL). U+2028 and U+2029 (line and paragraph separators) are refused as
well: JavaScript and iCalendar treat them as line breaks and they are invisible in an
editor. Written raw in the file they are reported at their own position (YAML 1.1 also
reads them and NEL, U+0085, as line breaks: a "comment" could hide a key); produced by an
escape in a double-quoted string (``"\\e"``), at the string.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from generator.diagnostics import ERROR, Diagnostic
from generator.records.locate import dotted

_CORE = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, TIMESTAMP = (_CORE + t for t in ("str", "int", "float", "bool", "timestamp"))

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # in a string: all but \t and \n
RAW_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")  # in the file: \r is a line break to both
NUMBERISH = frozenset("0123456789+-.")  # how a plain scalar YAML 1.2 reads as a number begins

# The YAML 1.2 core schema (YAML 1.2.2, 10.3.2), for plain scalars.
_CORE_BOOL = frozenset(("true", "True", "TRUE", "false", "False", "FALSE"))
_CORE_INT = re.compile(r"[-+]?[0-9]+\Z")
_CORE_OCT = re.compile(r"0o[0-7]+\Z")
_CORE_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_CORE_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z|[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z")
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")  # an integer both versions read alike
_CONSTRUCTOR = yaml.constructor.SafeConstructor()  # its scalar methods keep no state
_NAMES = {
    "\r": "\\r（回车符）",
    "\x0b": "\\v（垂直制表符）",
    "\x0c": "\\f（换页符）",
    "\x1b": "\\x1b（转义符 ESC）",
    "\x7f": "\\x7f（删除符 DEL）",
    "\x85": "\\x85（下一行符 NEL）",
    "\u2028": "\\u2028（行分隔符）",
    "\u2029": "\\u2029（段分隔符）",
}


def control_name(char: str) -> str:
    return _NAMES.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def core_number(text: str) -> int | float | None:
    """The number YAML 1.2's core schema reads a plain scalar as, or None when it is not one."""
    if _CORE_INT.match(text):
        return int(text)
    if _CORE_OCT.match(text):
        return int(text[2:], 8)
    if _CORE_HEX.match(text):
        return int(text[2:], 16)
    if _CORE_FLOAT.match(text):
        bare = text.lstrip("+-").lower()
        if bare in (".inf", ".nan"):
            return float(text.lower().replace(".", ""))
        return float(text)
    return None


def implicit_tag(text: str) -> str:
    """The tag PyYAML's safe loader gives ``text`` as a plain scalar without a tag."""
    for tag, pattern in yaml.SafeLoader.yaml_implicit_resolvers.get(text[:1], []):
        if pattern.match(text):
            return str(tag)
    return STR


def suspicious(node: yaml.ScalarNode) -> bool:
    """Cheap test for the fast path: may this scalar give an S008 finding?"""
    value, tag = node.value, node.tag
    if tag == STR:
        if not node.style:  # plain ("" from libyaml, None from the pure-Python parser)
            return value[:1] in NUMBERISH and core_number(value) is not None
        return node.style == '"' and CONTROL.search(value) is not None
    if tag == INT:
        return not _DECIMAL.match(value)
    if tag == BOOL:
        return value not in _CORE_BOOL
    if tag == FLOAT:
        return not _CORE_FLOAT.match(value)
    return False


def problem(node: yaml.ScalarNode) -> str | None:
    """The S008 message for one scalar, or None."""
    value, tag = node.value, node.tag
    if tag == STR:
        found = CONTROL.search(value)
        if found:
            return f"字符串中含有控制字符 {control_name(found.group())}：除换行与制表符外不允许控制字符，请删除它。"
        number = core_number(value) if not node.style and value[:1] in NUMBERISH else None
        if number is None or implicit_tag(value) != STR:  # an explicit !!str keeps its text in both versions
            return None
        return f'{value} 在 YAML 1.2 中是数 {_plain(number)}，在 YAML 1.1 中是文本：作文本请加引号写成 "{value}"，作数请写成 {_plain(number)}。'
    if not suspicious(node):
        return None
    if tag == BOOL:
        return f'YAML 1.1 写法 {value} 会被读成布尔值：请加引号写成 "{value}"，或写成 true/false。'
    return _number_problem(value, _CONSTRUCTOR.construct_yaml_int(node) if tag == INT else _CONSTRUCTOR.construct_yaml_float(node))


def _number_problem(value: str, got: Any) -> str:
    digits = value.lstrip("+-")
    quoted = f'或加引号写成 "{value}"'
    if ":" in value:
        return f"YAML 1.1 会把 {value} 读成六十进制数 {_plain(got)}，YAML 1.2 读作文本：请写成 {_plain(got)}，{quoted}。"
    if "_" in value:
        what = "整数" if isinstance(got, int) else "数"
        return f"YAML 1.1 会把 {value} 读成 {_plain(got)}，YAML 1.2 读作文本：请写成不带下划线的{what} {_plain(got)}，{quoted}。"
    if digits.startswith(("0x", "0X")):
        return f"十六进制写法 {value}：请写成十进制整数 {_plain(got)}，{quoted}。"
    if digits.startswith(("0b", "0B")):
        return f"YAML 1.1 会把二进制写法 {value} 读成 {_plain(got)}，YAML 1.2 读作文本：请写成十进制整数 {_plain(got)}，{quoted}。"
    if digits.startswith("0") and digits.isdigit():
        decimal = int(value)
        return f"YAML 1.1 会把 {value} 读成八进制数 {got}，YAML 1.2 读作 {decimal}：请写成不带前导零的整数 {decimal}，{quoted}。"
    return f"YAML 1.1 与 YAML 1.2 对 {value} 的读法不同：请写成 {_plain(got)}，{quoted}。"


def _plain(number: int | float) -> str:
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return str(number)


def raw_findings(path: str, text: str) -> list[Diagnostic]:
    """Control characters written raw in the file, each at its own position (line and column
    as an editor counts them: only line feeds end a line)."""
    out = []
    for found in RAW_CONTROL.finditer(text):
        at = found.start()
        line = text.count("\n", 0, at) + 1
        column = at - text.rfind("\n", 0, at)
        out.append(
            Diagnostic(
                path,
                line,
                column,
                "S008",
                ERROR,
                f"文件中含有控制字符 {control_name(found.group())}：它在不同工具中显示和断行各不相同，请删除它。",
            )
        )
    return out


def findings(path: str, root: yaml.Node) -> list[Diagnostic]:
    """S008 for every scalar of the tree (keys too), each with its field path."""
    out = []
    for node, field in _scalars(root):
        message = problem(node)
        if message is not None:
            out.append(Diagnostic(path, node.start_mark.line + 1, node.start_mark.column + 1, "S008", ERROR, message, field=field or None))
    return sorted(out)  # in file order, whatever the order of a tree whose merge keys the constructor has flattened


def _scalars(root: yaml.Node) -> Iterator[tuple[yaml.ScalarNode, str]]:
    """Every scalar node once (an alias's target is not visited again), with the dotted
    field path of the value it is or, for a key, of the value it names."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        node, field = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            yield node, dotted(field)
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                here = (*field, key.value) if isinstance(key, yaml.ScalarNode) else field
                stack.append((value, here))
                stack.append((key, here))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*field, i)) for i, item in reversed(list(enumerate(node.value))))
