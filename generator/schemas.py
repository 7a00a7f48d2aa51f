"""JSON Schema: exported from the models (the public contract), and S003 validation.

Validation takes a fast path (jsonschema-rs, compiled once per kind) and only on a
failure asks python-jsonschema, the reference implementation, for every error with
its path, which is then put into Chinese.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import CannotRun, os_message
from generator.models import KINDS

if TYPE_CHECKING:
    import jsonschema

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_BASE = "https://jiebang.example.org/schemas/"

try:
    import jsonschema_rs as _rs

    jsonschema_rs: Any = _rs
except ImportError:  # pragma: no cover - the fast path is optional
    jsonschema_rs = None


def kind_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one kind, as committed under ``schemas/``."""
    model = KINDS[kind].model
    schema = model.model_json_schema()
    schema["title"] = f"jiebang {kind}（{KINDS[kind].label}）"
    where = f"records/{KINDS[kind].folder}/<id>.yaml" if KINDS[kind].folder else f"records/{kind}.yaml"
    schema["description"] = f"揭榜挂帅{KINDS[kind].label}记录，一条记录一个文件：{where}"
    return {"$schema": SCHEMA_DIALECT, "$id": f"{SCHEMA_BASE}{kind}.schema.json", **schema}


REPORT = Path(__file__).with_name("report.schema.json")  # hand-written: the JSON form of ``jiebang validate``


def render_all() -> dict[str, str]:
    """File name → text of every schema a records repository holds: one per kind, from the
    models, and the report schema, shipped in the package."""
    out = {f"{kind}.schema.json": json.dumps(kind_schema(kind), ensure_ascii=False, indent=2, sort_keys=False) + "\n" for kind in KINDS}
    out["report.schema.json"] = REPORT.read_text(encoding="utf-8")
    return out


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema into ``directory`` (a records repository's ``schemas/``)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in render_all().items():
            path = directory / name
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise CannotRun(f"无法写入 {directory}：{os_message(exc)}。请检查路径和权限。") from exc
    return written


def stale_schemas(directory: Path) -> list[str]:
    """Names of the schema files that differ from what the models generate."""
    stale = []
    for name, text in render_all().items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale


@cache
def _reference(kind: str) -> jsonschema.Draft202012Validator:
    import jsonschema  # the reference implementation, imported only when a file has schema errors

    return jsonschema.Draft202012Validator(kind_schema(kind), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@cache
def _fast(kind: str) -> Any:
    if jsonschema_rs is None:
        return None
    return jsonschema_rs.validator_for(kind_schema(kind), validate_formats=True)


UNKNOWN_FIELD = "未知字段"  # how the message of an unknown key begins: a mistake in the key, not in its value


def schema_errors(kind: str, instance: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(field path, Chinese message) for every schema violation; nothing when valid."""
    fast = _fast(kind)
    if fast is not None and fast.is_valid(instance):
        return
    seen: set[tuple[tuple[str | int, ...], str]] = set()
    for error in _reference(kind).iter_errors(instance):
        for item in _explain(error):  # "required" reports every missing name once per name
            if item not in seen:
                seen.add(item)
                yield item


def violations(schema: dict[str, Any], instance: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, Chinese message) of every violation of any JSON Schema (open data, a
    federation's configuration), with the same fast path and messages as ``schema_errors``."""
    if jsonschema_rs is not None and jsonschema_rs.validator_for(schema, validate_formats=True).is_valid(instance):
        return
    import jsonschema

    reference = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    for error in reference.iter_errors(instance):
        yield from _explain(error)


def _explain(error: jsonschema.ValidationError) -> Iterator[tuple[tuple[str | int, ...], str]]:
    path = tuple(error.absolute_path)
    value, schema, v = error.instance, error.schema, error.validator
    if v == "required":
        for name in error.validator_value:
            if isinstance(value, dict) and name not in value:
                title = schema.get("properties", {}).get(name, {}).get("title", "")
                yield (*path, name), f"缺少必填字段 {name}{f'（{title}）' if title else ''}。"
    elif v == "additionalProperties":
        for name in sorted(set(value) - set(schema.get("properties", {})), key=str):
            yield (*path, name), f"{UNKNOWN_FIELD}“{name}”：此处没有这个字段（拼写错误，或放错了层级？）。"
    elif v == "const":
        yield path, f"取值“{_show(value)}”应为“{error.validator_value}”。"
    elif v == "enum":
        yield path, f"取值“{_show(value)}”不在允许范围内，应为 {' | '.join(map(str, error.validator_value))}。"
    elif v == "type" and isinstance(value, str) and (wide := _WIDE_KEY.match(value)):
        yield path, f"“{wide[1]}”后面是全角冒号“：”，所以这一行被读成了文本：YAML 只认半角冒号加空格，请改为“{wide[1]}: ”。"
    elif v == "type" and not path:
        yield path, "记录内容应为键值映射（文件是空的，或不是一条记录）。"
    elif v == "type":
        yield path, f"取值“{_show(value)}”的类型应为{_TYPES.get(str(error.validator_value), str(error.validator_value))}。"
    elif v == "pattern":
        yield (
            path,
            f"取值“{_show(value)}”格式不符（{hint + '，' if (hint := schema.get('description') or schema.get('title')) else ''}模式 {error.validator_value}）。",
        )
    elif v == "format":
        yield path, f"取值“{_show(value)}”不是有效日期，应为 YYYY-MM-DD（如 2024-06-30）。"
    elif v == "minLength":
        yield path, "不能为空。"
    elif v == "minItems":
        yield path, f"至少需要 {error.validator_value} 项。"
    elif v in ("minimum", "exclusiveMinimum"):
        yield path, f"取值 {_show(value)} 小于允许的最小值 {error.validator_value}。"
    elif v in ("maximum", "exclusiveMaximum"):
        yield path, f"取值 {_show(value)} 大于允许的最大值 {error.validator_value}。"
    elif v == "maxItems":
        yield path, f"最多 {error.validator_value} 项，此处有 {len(value)} 项。"
    elif v == "maxLength":
        yield path, f"最多 {error.validator_value} 个字符，此处有 {len(value)} 个。"
    elif v in ("anyOf", "oneOf", "allOf", "if", "then"):
        inner = _substantive(error.context or [], value)
        if inner:
            yield from _explain(_best_match(inner))
        else:
            yield path, f"取值“{_show(value)}”不符合要求。"
    else:
        title = schema.get("title") if isinstance(schema, dict) else None
        yield path, f"取值“{_show(value)}”不符合{f'“{title}”' if title else '此字段'}的要求。"


_WIDE_KEY = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*：")  # industry：智能科技 — a key with a full-width colon
_TYPES = {
    "string": "文本（字符串）",
    "integer": "整数",
    "number": "数字",
    "boolean": "布尔值 true/false",
    "array": "列表",
    "object": "键值映射",
    "null": "空值",
}


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "…"


def _substantive(errors: Any, value: Any) -> list[Any]:
    """The errors of an ``anyOf`` worth explaining: an optional field (``X | None``) that
    holds a value failed as X, not as "should be null" — unless every branch was a type
    mismatch, when the null branch says no more than the others."""
    errors = list(errors)
    if value is None:
        return errors
    kept = [e for e in errors if not (e.validator == "type" and e.validator_value == "null" and not e.relative_path)]
    return kept or errors


def _best_match(errors: Any) -> Any:
    import jsonschema.exceptions

    return jsonschema.exceptions.best_match(errors)
