"""Checking record files: parse, schema, model — one file, or many on every core."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import PurePosixPath
from typing import Any

import yaml
from pydantic import ValidationError

from generator.diagnostics import ERROR, Diagnostic
from generator.errors import reason
from generator.models import FOLDER_KIND, KINDS, SINGLE_FILES, Record, Source
from generator.models.common import share_fields_sets
from generator.parallel import parallel_iter
from generator.records.disk import Refused
from generator.records.disk import iter_record_files as iter_record_files  # the record files of a work tree
from generator.records.disk import read_files as read_files
from generator.records.load import Document, compose, parse, to_json
from generator.records.locate import FieldPath, dotted, locate
from generator.records.placeholders import may_hold, placeholders
from generator.schemas import UNKNOWN_FIELD, schema_errors


@dataclass(frozen=True)
class FileResult:
    """What one file gave: a valid record, or findings (and the id it would have had)."""

    path: str
    record: Record | None
    diagnostics: tuple[Diagnostic, ...]

    @property
    def stem(self) -> str:
        return PurePosixPath(self.path).stem


PARALLEL_MIN = 500  # files; below this, starting workers costs more than it saves
Item = tuple[str, bytes | OSError]


def check_files(items: Iterable[Item]) -> list[FileResult]:
    """``check_file(path, raw)`` for each item, in order.

    Parsing and the JSON Schema stage are pure and dominate the cost (libyaml composes a
    node per value), so for a large set they run on every core (``parallel_map``) over
    chunks of files and send back plain data; this process builds the models. The
    results are exactly those of calling ``check_file`` on each file in turn."""
    items = list(items)
    if len(items) < PARALLEL_MIN:
        return [check_file(path, raw) for path, raw in items]
    shaped = parallel_iter(_shape, items, min_items=PARALLEL_MIN, chunk=250)  # modelled here as they come
    out = []
    for (path, raw), got in zip(items, shaped, strict=True):
        if got is None:
            out.append(check_file(path, raw))
        elif isinstance(got, FileResult):
            out.append(got)
        else:
            out.append(model(path, raw, got[0], got[1], None, True))  # type: ignore[arg-type]
    return out


def _shape(item: Item) -> FileResult | tuple[str, Any] | None:
    """In a worker: findings, or (kind, data) for the main process to model, or None
    when the document's tree must be kept (aliases, merge keys) and only the main
    process can check it."""
    shaped = shape(*item)
    if isinstance(shaped, FileResult):
        return shaped
    doc, kind = shaped
    return (kind, doc.data) if doc.plain else None


def check_file(path: str, raw: bytes | OSError) -> FileResult:
    """Parse one file and validate it against its kind's schema and model.

    Pure: the same path and bytes always give the same result, so callers may cache
    results by content (e.g. by git blob id).
    """
    shaped = shape(path, raw)
    if isinstance(shaped, FileResult):
        return shaped
    doc, kind = shaped
    return model(path, raw, kind, doc.data, doc.node, doc.plain)  # type: ignore[arg-type]


def shape(path: str, raw: bytes | OSError) -> FileResult | tuple[Document, str]:
    """The first stages of ``check_file``: parse, kind, JSON Schema. A FileResult with
    findings when one fails, else the document and its kind."""
    if isinstance(raw, Refused):
        return FileResult(path, None, (Diagnostic(path, 1, 1, "S005", ERROR, str(raw)),))
    if isinstance(raw, OSError):
        return FileResult(path, None, (Diagnostic(path, 1, 1, "S001", ERROR, f"无法读取文件：{reason(raw)}。"),))
    doc, problems = parse(path, raw)
    if doc is None:
        return FileResult(path, None, tuple(problems))
    data = doc.data
    kind = _kind_for(path, data)
    if kind is None:
        where = "、".join(f"{k.folder}/" for k in KINDS.values() if k.folder)
        found = _at(doc.node, path, ("kind",), "S004", f"无法确定记录类型：kind 不是已知类型，文件也不在 {where} 之一中。")
        return FileResult(path, None, (*problems, found))
    record = data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None
    problems = [dataclasses.replace(d, record=record) for d in problems]
    left = list(placeholders(data)) if may_hold(raw) else []
    if left:
        return FileResult(
            path, None, (*problems, *(_at(doc.node, path, p, "S007", _placeholder_message(p, text), data) for p, text in left))
        )
    errors = [_at(doc.node, path, p, "S003", m, data) for p, m in schema_errors(kind, to_json(data))]
    if errors or problems:  # S008 (the more helpful) in place of S003 on the same value: one mistake, one finding
        taken = {d.field for d in problems}
        kept = (d for d in errors if d.field not in taken or d.message.startswith(UNKNOWN_FIELD))
        return FileResult(path, None, (*problems, *kept))
    return doc, kind


def model(path: str, raw: bytes, kind: str, data: object, node: yaml.Node | None, plain: bool) -> FileResult:
    """The last stage of ``check_file``: the pydantic model. A plain document's tree may
    be left out (``node`` None): it is composed again from ``raw`` only to place an error."""
    try:
        record = KINDS[kind].model.model_validate(data)
    except ValidationError as exc:
        where = node if node is not None else compose(raw)
        return FileResult(path, None, tuple(_at(where, path, tuple(e["loc"]), "S003", _pydantic_message(e), data) for e in exc.errors()))
    share_fields_sets(record)
    record.attach(Source(path, load=partial(compose, raw)) if plain else Source(path, node))
    return FileResult(path, record, ())


def _placeholder_message(field: FieldPath, text: str) -> str:
    return f"{dotted(field) or '记录'} 仍是占位内容“{text.strip()}”：请填写实际内容。"


def _kind_for(path: str, data: object) -> str | None:
    if isinstance(data, dict) and isinstance(data.get("kind"), str) and data["kind"] in KINDS:
        return str(data["kind"])
    parts = PurePosixPath(path).parts
    if len(parts) == 2 and parts[-1] in SINGLE_FILES:
        return SINGLE_FILES[parts[-1]]
    return FOLDER_KIND.get(parts[1]) if len(parts) > 2 else None


def _at(node: object, path: str, field: FieldPath, rule: str, message: str, data: object = None) -> Diagnostic:
    line, column = locate(node, field)  # type: ignore[arg-type]
    record = data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None
    return Diagnostic(path, line, column, rule, ERROR, message, record=record, field=dotted(field) or None)


def _pydantic_message(error: object) -> str:
    e = dict(error)  # type: ignore[call-overload]
    kind, value = e.get("type", ""), e.get("input")
    if kind in ("int_type", "int_from_float"):
        return f"金额“{value}”须为整数元，不能是小数或文本。"
    if kind == "value_error":
        return str(e.get("msg", "")).removeprefix("Value error, ") + "。"
    if kind.startswith("date"):
        return f"取值“{value}”不是日期，应为 YYYY-MM-DD。"
    return _PYDANTIC.get(kind, "取值“{value}”不符合此字段的要求。").format(value=value)


# The few pydantic errors the JSON Schema stage lets through, in Chinese (pydantic's own texts are English).
_PYDANTIC = {
    "missing": "缺少必填字段。",
    "extra_forbidden": "未知字段：此处没有这个字段（拼写错误，或放错了层级？）。",
    "literal_error": "取值“{value}”不在允许范围内。",
    "string_type": "取值“{value}”的类型应为文本（字符串）。",
    "bool_type": "取值“{value}”的类型应为布尔值 true/false。",
    "string_pattern_mismatch": "取值“{value}”格式不符。",
    "greater_than_equal": "取值 {value} 小于允许的最小值。",
}
