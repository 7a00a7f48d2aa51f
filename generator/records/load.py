"""Safe YAML loading: parse, refuse what is unsafe, keep the node tree for positions.

Owns S001 (does not parse), S002 (duplicate key), S005 (unsafe or oversized input) and
S008 (a YAML 1.1 form or a control character, see ``records.scalars``). Nothing here
executes input: only the YAML core tags are accepted, and the node tree is checked for
depth and alias expansion before any Python object is built.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, ClassVar

import yaml

from generator.diagnostics import ERROR, Diagnostic
from generator.layout import MAX_BYTES
from generator.records import scalars

try:  # libyaml when present (much faster: ../../benchmarks/README.md); the pure-Python loader gives the same nodes
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on the platform's wheel
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _Loader(_SafeLoader):
    """The safe loader with the implicit tag of a plain scalar memoised.

    The C parser calls back into Python to resolve every scalar, and in records most
    values repeat (keys, ids, enums, dates). The resolvers are copied here, so the
    memo cannot go stale if someone registers another resolver on PyYAML's classes.
    """

    yaml_implicit_resolvers = {k: list(v) for k, v in _SafeLoader.yaml_implicit_resolvers.items()}  # noqa: RUF012
    _tags: ClassVar[dict[str, str]] = {}  # a plain scalar's text to its tag

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:  # type: ignore[override]
        if kind is not yaml.ScalarNode or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]
        if not implicit[0]:  # quoted, or with a tag: never resolved by pattern
            return self.DEFAULT_SCALAR_TAG  # type: ignore[no-any-return]
        tag = self._tags.get(value)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(value) <= 40 and len(self._tags) < 200_000:  # short, repeating values only
                self._tags[value] = tag
        return tag  # type: ignore[no-any-return]

    def descend_resolver(self, current_node: yaml.Node | None, current_index: object) -> None:
        if self.yaml_path_resolvers:
            super().descend_resolver(current_node, current_index)

    def ascend_resolver(self) -> None:
        if self.yaml_path_resolvers:
            super().ascend_resolver()


MAX_DEPTH = 32
MAX_ALIAS_NODES = 1000  # nodes an alias may add beyond the file's own

_CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp", "merge"))


@dataclass(frozen=True)
class Document:
    """A parsed record file: repo-relative path, node tree (for positions), plain data.

    ``plain``: the tree is exactly what composing the text again gives (no alias, no
    merge key), so it need not be kept: it can be recomposed when a position is needed.
    """

    path: str
    node: yaml.Node | None
    data: Any
    plain: bool = False


def compose(raw: bytes) -> yaml.Node | None:
    """The node tree of an already-parsed file, composed again (for positions)."""
    return yaml.compose(raw.decode("utf-8"), Loader=_Loader)


def _diag(path: str, rule: str, message: str, mark: Any = None) -> Diagnostic:
    line = mark.line + 1 if mark is not None else 1
    column = mark.column + 1 if mark is not None else 1
    return Diagnostic(path, line, column, rule, ERROR, message)


def oversized(size: int) -> str:
    return f"文件大小 {size} 字节超过上限 {MAX_BYTES} 字节（1 MiB）。"


def parse(path: str, raw: bytes) -> tuple[Document | None, list[Diagnostic]]:
    """Parse one record file. On a problem, no document and the findings — except S008,
    which comes with the document: the schema stage still runs, so that its other
    mistakes are reported too (``files.shape`` keeps one finding per value)."""
    if len(raw) > MAX_BYTES:
        return None, [_diag(path, "S005", oversized(len(raw)))]
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, [_diag(path, "S001", "文件以 BOM 开头。请保存为不带 BOM 的 UTF-8。")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Diagnostic(path, line, 1, "S001", ERROR, f"文件不是有效的 UTF-8 编码（第 {exc.start + 1} 字节）。请以 UTF-8 保存。")]
    if "\x00" in text:
        return None, [_diag(path, "S001", "文件含有 NUL 字符，不是文本文件。")]
    if scalars.RAW_CONTROL.search(text):  # before parsing: YAML 1.1 reads some of them as line breaks
        return None, scalars.raw_findings(path, text)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax(path, exc, text)]
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        return None, [_diag(path, "S001", f"YAML 无法解析：{exc}")]
    if node is None:
        return Document(path, None, None), []
    if "&" not in text:  # no anchor, so no alias: the one-pass fast path may apply
        try:
            return Document(path, node, _plain(node, 1), plain=True), []
        except Exception:  # anything unusual: the full checks below decide, exactly as before
            pass
    problems = _check_tree(path, node)
    if problems:
        return None, problems
    try:
        # A bare 2024-06-30 stays a calendar date; a value with a time of day becomes a
        # datetime, which the schema then rejects (never silently cut).
        data = _Constructor().construct_document(node)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax(path, exc, text)]
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        return None, [_diag(path, "S001", f"YAML 取值无法解析：{exc}", node.start_mark)]
    return Document(path, node, data), scalars.findings(path, node)


def _syntax(path: str, exc: yaml.MarkedYAMLError, text: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "语法错误"
    line = text.splitlines()[mark.line] if mark is not None and mark.line < len(text.splitlines()) else ""
    if "\t" in line[: len(line) - len(line.lstrip())] or "\t" in problem:
        return _diag(path, "S001", "缩进中含有制表符（Tab）。YAML 只允许用空格缩进。", mark)
    if "single document" in problem or "another document" in problem:
        return _diag(path, "S001", "一个文件只能包含一条记录（一个 YAML 文档）。", mark)
    if mark is not None and (wide := _full_width_colon(text, mark.line)) is not None:
        row, column, key = wide
        return Diagnostic(
            path, row + 1, column + 1, "S001", ERROR, f"“{key}”后面是全角冒号“：”：YAML 只认半角冒号加空格，请改为“{key}: ”。"
        )
    hint = next((zh for en, zh in _PROBLEMS if en in problem), "此处不符合 YAML 语法")
    return _diag(path, "S001", f"YAML 语法错误：{hint}。", mark)


_WIDE_KEY = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*：")


def _full_width_colon(text: str, upto: int) -> tuple[int, int, str] | None:
    """The line of the error (0-based) or one of the two before it, when it starts with a
    key followed by a full-width colon (``industry：智能科技``): libyaml reads such a line as
    text and fails on the next one."""
    lines = text.splitlines()
    for row in range(min(upto, len(lines) - 1), max(upto - 3, -1), -1):
        match = _WIDE_KEY.match(lines[row])
        if match:
            return row, match.start(1), match[1]
    return None


# libyaml's problem texts, put into Chinese (a message shows no English words).
_PROBLEMS = (
    ("did not find expected node content", "此处缺少取值"),
    ("did not find expected ',' or '}'", "流式映射 {…} 缺少“,”或“}”"),
    ("did not find expected ',' or ']'", "流式列表 […] 缺少“,”或“]”"),
    ("mapping values are not allowed", "此处不能出现“键: 值”（冒号后缺少空格，或缩进不对？）"),
    ("could not find expected ':'", "缺少“:”"),
    ("did not find expected key", "缩进没有对齐：此处应为一个键"),
    ("did not find expected '-' indicator", "列表项“- ”缩进没有对齐"),
    ("found unexpected end of stream", "文件意外结束（引号或括号未闭合？）"),
    ("found undefined alias", "引用了未定义的锚点"),
    ("found duplicate anchor", "锚点重复定义"),
    ("found character that cannot start any token", "此处的字符不能作为取值的开头（如 @ 或 `，请加引号）"),
    ("found unknown escape character", "双引号字符串中有无效的转义符（请改用单引号）"),
    ("block sequence entries are not allowed", "此处不能开始列表项（缩进不对？）"),
)


def _check_tree(path: str, root: yaml.Node) -> list[Diagnostic]:
    """S002 and S005 over the composed tree, without recursion (the depth is unknown)."""
    problems: list[Diagnostic] = []
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue  # an alias: counted by _expanded_size below
        seen.add(id(node))
        if node.tag not in ALLOWED_TAGS:
            problems.append(_diag(path, "S005", f"不允许的 YAML 标签 {node.tag}：只接受 YAML 核心类型。", node.start_mark))
            continue
        if depth > MAX_DEPTH:
            problems.append(_diag(path, "S005", f"嵌套层数超过上限 {MAX_DEPTH}。", node.start_mark))
            return problems
        if isinstance(node, yaml.MappingNode):
            first: dict[object, int] = {}
            for key, value in node.value:
                ident = (key.tag, key.value) if isinstance(key, yaml.ScalarNode) else None
                if ident is not None and ident in first:
                    problems.append(
                        _diag(
                            path,
                            "S002",
                            f"重复的键“{key.value}”：第 {first[ident]} 行已定义过。YAML 会静默保留后者，请删除其一。",
                            key.start_mark,
                        )
                    )
                elif ident is not None:
                    first[ident] = key.start_mark.line + 1
                stack.append((value, depth + 1))
                stack.append((key, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
    if problems:
        return problems
    size = _expanded_size(root)
    if size is None:
        return [_diag(path, "S005", "别名（alias）递归引用自身。", root.start_mark)]
    if size - len(seen) > MAX_ALIAS_NODES:
        return [
            _diag(
                path,
                "S005",
                f"别名展开后新增 {size - len(seen)} 个节点，超过上限 {MAX_ALIAS_NODES}（疑似“亿万笑声”攻击）。",
                root.start_mark,
            )
        ]
    return []


def _expanded_size(root: yaml.Node) -> int | None:
    """Nodes after alias expansion, memoised per shared node; None for a cycle."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            active.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            continue
        if key in sizes:
            continue
        if key in active:
            return None
        active.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in active:
                return None
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP, _SEQ, _MAP, _MERGE = (
    _CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")
)


_NUMBERISH, _CONTROL = scalars.NUMBERISH, scalars.CONTROL


class _Unusual(Exception):
    """Raised by the fast path for anything it does not handle itself."""


def _plain(node: yaml.Node, depth: int) -> Any:
    """Data of a tree without aliases in one pass, with the checks of ``_check_tree``.

    Handles the core tags the way the safe constructor does and raises on anything
    else (an unknown tag, a merge key, a duplicate key, depth over the limit, a value
    that does not construct, a value S008 may refuse): the caller then takes the full
    path, which reports it.
    """
    if depth > MAX_DEPTH:
        raise _Unusual
    tag = node.tag
    if type(node) is yaml.ScalarNode:
        if tag == _STR:  # the common case, checked inline
            value = node.value
            if (value[:1] in _NUMBERISH if not node.style else node.style == '"' and _CONTROL.search(value)) and scalars.suspicious(node):
                raise _Unusual
            return value
        if tag == _TIMESTAMP:  # never S008
            return _timestamp(node)
        if tag == _INT:
            value = node.value
            if value.isascii() and value.isdigit() and (value[0] != "0" or value == "0"):  # plain decimal: never S008
                return int(value)
        if scalars.suspicious(node):
            raise _Unusual
        if tag == _INT:
            return _CONSTRUCTOR.construct_yaml_int(node)
        if tag == _BOOL:
            return _CONSTRUCTOR.bool_values[node.value.lower()]
        if tag == _NULL:
            return None
        if tag == _FLOAT:
            return _CONSTRUCTOR.construct_yaml_float(node)
    elif type(node) is yaml.MappingNode and tag == _MAP:
        out: dict[Any, Any] = {}
        for key, value in node.value:
            if type(key) is not yaml.ScalarNode or key.tag == _MERGE:
                raise _Unusual
            name = _plain(key, depth + 1)
            if name in out:
                raise _Unusual
            out[name] = _plain(value, depth + 1)
        return out
    elif type(node) is yaml.SequenceNode and tag == _SEQ:
        return [_plain(item, depth + 1) for item in node.value]
    raise _Unusual


class _Constructor(yaml.constructor.SafeConstructor):
    """PyYAML's safe constructor, except that an impossible date (2024-06-31) stays the
    text it was, so that the schema reports it at its own line as a bad date."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return node.value


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)  # type: ignore[type-var]
_CONSTRUCTOR = _Constructor()  # its scalar methods keep no state
_DATES: dict[str, Any] = {}  # a date's text to its value: records repeat their dates, and dates are immutable


def _timestamp(node: yaml.ScalarNode) -> Any:
    """``construct_yaml_timestamp``, remembered for the short texts of calendar dates."""
    value = _DATES.get(node.value)
    if value is None:
        value = _CONSTRUCTOR.construct_yaml_timestamp(node)
        if len(node.value) == 10 and len(_DATES) < 100_000:  # 2024-06-30: a date, never a datetime
            _DATES[node.value] = value
    return value


def to_json(value: Any) -> Any:
    """The JSON form of parsed data: dates as ISO strings (JSON Schema sees strings)."""
    cls = type(value)
    if cls is str or cls is int or cls is bool or value is None:
        return value
    if cls is dict:
        return {k if type(k) is str else str(k): to_json(v) for k, v in value.items()}
    if cls is list:
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
