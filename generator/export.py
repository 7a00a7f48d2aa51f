"""Open data: every public record as one JSON document and one CSV file per table.

The JSON keeps the record format's own field names (SPEC §3) and drops what is never
public (needs, panels, declarations, review ids behind a project); its JSON Schema is
derived from the record schemas, so it changes only when they do. ``version`` goes up
when a field is removed or changes meaning; new fields may appear within a version.
CSV columns are the same fields, nested objects flattened to ``a.b`` one level deep;
lists of values are joined with "；", lists of objects are JSON. CSV files are UTF-8 with
a byte-order mark so that spreadsheet software opens the Chinese text correctly.
``withheld`` gives the number of records of each kind left out for confidentiality
(restricted, or depending on a restricted record), never their content.
``ocds.json`` and ``ocds-records.json`` are the same public slice, and its past, in the Open
Contracting Data Standard (:mod:`generator.ocds`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from generator import ocds
from generator.models import Call, Milestone, Record
from generator.models.common import RECORD_ID
from generator.models.listing import effective_issuer
from generator.public.fields import public_fields
from generator.public.view import PublicView
from generator.public.visibility import restricted_ids
from generator.schemas import SCHEMA_BASE, SCHEMA_DIALECT, kind_schema

FORMAT = "jiebang-open-data"
VERSION = 1
SCHEMA_ID = f"{SCHEMA_BASE}open-data.schema.json"

Derive = Callable[[PublicView, Any], Any]
_EXAMPLE = re.compile(r"[，,]\s*如\s*(?:" + RECORD_ID.pattern + ")")


@dataclass(frozen=True)
class Derived:
    schema: dict[str, Any]
    value: Derive


@dataclass(frozen=True)
class Table:
    name: str  # JSON key and CSV file stem
    kind: str
    label: str
    fields: tuple[str, ...]  # the record's fields that are published, in order
    hidden: Mapping[str, frozenset[str]] = field(default_factory=dict)  # nested fields never published
    derived: Mapping[str, Derived] = field(default_factory=dict)


def _call_lists(view: PublicView, call: Call) -> list[str]:
    return [lst.id for lst in view.lists_of(call)]


def _check_result(view: PublicView, m: Milestone) -> str | None:
    check = view.review_result(m.check)
    return check.result if check else None


def _table(name: str, kind: str, label: str, derived: Mapping[str, Derived] | None = None) -> Table:
    """A table of one kind: its fields are the kind's allow-list (``generator.public.fields``)."""
    allowed = public_fields(kind)
    return Table(name, kind, label, allowed.fields, allowed.hidden, derived or {})


TABLES: tuple[Table, ...] = (
    _table("lists", "list", "榜单",
           derived={"bids_count": Derived({"type": "integer", "minimum": 0, "title": "揭榜申报数", "description": "已收到且未撤回的申报份数"},
                                          lambda v, r: v.bids_count(r)),
                    "issuer_name": Derived({"type": "string", "title": "发榜方", "description": "榜单写明的发榜方；未写明时，企业主导型方案为需求单位，其他方案为方案的发榜单位"},
                                           lambda v, r: effective_issuer(r, v.program)),
                    "total_input_cny": Derived({"type": "integer", "minimum": 0, "title": "总投入（元）", "description": "财政资助 + 需求单位投入 + 其他出资"},
                                               lambda v, r: r.funding.total_cny)}),
    _table("calls", "call", "申报指南",
           derived={"lists": Derived({"type": "array", "items": {"type": "string"}, "title": "所含榜单", "description": "只列公开的榜单"},
                                     _call_lists)}),
    _table("notices", "review", "评审结果公示"),
    _table("winners", "bid", "入选揭榜申报"),
    _table("projects", "project", "项目"),
    _table("milestones", "milestone", "里程碑",
           derived={"check_result": Derived({"enum": ["passed", "failed", None], "title": "节点检查结果", "description": "passed 通过 | failed 未通过 | null 待检查"},
                                            _check_result)}),
    _table("awards", "award", "资金拨付"),
)  # fmt: skip
PROGRAM_FIELDS = public_fields("program").fields
# Restricted records are never published; their number by kind is (SPEC §9), so a national view can count them.
WITHHELD_KINDS = ("list", "call", "bid", "review", "project", "milestone", "award")
WITHHELD_SCHEMA = {
    "type": "object",
    "title": "未公开记录数",
    "description": "因限定发布范围（特定发布范围或涉密）而未公开的记录及其从属记录的数目，按记录类型；只有数目，没有内容",
    "additionalProperties": False,
    "properties": {kind: {"type": "integer", "minimum": 0} for kind in WITHHELD_KINDS},
}


def document(view: PublicView) -> dict[str, Any]:
    """The whole open-data document: programme, as-of date and one array per table."""
    program = view.program
    out: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "as_of": view.as_of.isoformat(),
        "program": program.model_dump(mode="json", include=set(PROGRAM_FIELDS), by_alias=True) if program else None,
        "withheld": withheld(view),
    }
    for table in TABLES:
        out[table.name] = [row(view, table, rec) for rec in records(view, table)]
    return out


def withheld(view: PublicView) -> dict[str, int]:
    """How many records of each kind are withheld for a restricted record: counts only."""
    hidden = restricted_ids(view.corpus)
    counts = dict.fromkeys(WITHHELD_KINDS, 0)
    for rec in view.corpus.records:
        if rec.id in hidden and rec.kind in counts:
            counts[rec.kind] += 1
    return counts


def records(view: PublicView, table: Table) -> list[Record]:
    return [r for r in view.corpus.records if r.kind == table.kind and r.id in view.ids]


def _field_names(rec: Record, names: tuple[str, ...]) -> set[str]:
    """The model's attribute names of published fields (a field may be written under an alias:
    an award's ``source``)."""
    aliases = {info.alias: name for name, info in type(rec).model_fields.items() if info.alias}
    return {aliases.get(n, n) for n in names}


def row(view: PublicView, table: Table, rec: Record) -> dict[str, Any]:
    include, exclude = _field_names(rec, table.fields), {k: set(v) for k, v in table.hidden.items()}
    data = rec.model_dump(mode="json", include=include, exclude=exclude, by_alias=True)  # type: ignore[arg-type]
    data = {k: data[k] for k in table.fields if k in data}
    for name, derived in table.derived.items():
        data[name] = derived.value(view, rec)
    return data


def schema() -> dict[str, Any]:
    """JSON Schema of :func:`document`, derived from the record schemas."""
    defs: dict[str, Any] = {}
    props: dict[str, Any] = {
        "format": {"const": FORMAT},
        "version": {"const": VERSION},
        "as_of": {"type": "string", "format": "date", "title": "数据截至日期"},
        "program": {"$ref": "#/$defs/program"},
        "withheld": WITHHELD_SCHEMA,
    }
    defs["program"] = _item(Table("program", "program", "方案", PROGRAM_FIELDS), defs)
    for table in TABLES:
        defs[table.kind] = _item(table, defs)
        props[table.name] = {"type": "array", "title": table.label, "items": {"$ref": f"#/$defs/{table.kind}"}}
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "jiebang 开放数据",
        "type": "object",
        "additionalProperties": False,
        "required": [name for name in props if name != "withheld"],  # open data written before it stays valid
        "properties": props,
        "$defs": _reachable(props, defs),
    }


def _reachable(root: Any, defs: dict[str, Any]) -> dict[str, Any]:
    """Only the definitions the document uses (a kind's unpublished parts, such as a bid's
    declarations, are not even described)."""
    seen: dict[str, Any] = {}
    todo = [root]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.removeprefix("#/$defs/") not in seen:
                name = ref.removeprefix("#/$defs/")
                seen[name] = defs[name]
                todo.append(defs[name])
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return {k: defs[k] for k in defs if k in seen}


def _item(table: Table, defs: dict[str, Any]) -> dict[str, Any]:
    source = _prefixed(kind_schema(table.kind), table.kind)
    local = source.pop("$defs", {})
    properties = {f: source["properties"][f] for f in table.fields}
    for name, hidden in table.hidden.items():
        target = local[_ref_name(properties[name], table.kind)]
        target["properties"] = {k: v for k, v in target["properties"].items() if k not in hidden}
        target["required"] = [k for k in target.get("required", []) if k not in hidden]
    for name, derived in table.derived.items():
        properties[name] = derived.schema
    defs.update(local)
    required = [f for f in source.get("required", []) if f in properties] + [
        d for d in table.derived if d not in source.get("required", [])
    ]
    return {"type": "object", "title": table.label, "additionalProperties": False, "properties": properties, "required": required}


def _prefixed(node: Any, kind: str) -> Any:
    """Namespace a kind schema's ``$defs`` (Unit, Contact, …) so kinds do not collide, and drop
    example ids from descriptions and ``examples`` (an example may name a record that is not public)."""
    if isinstance(node, str):
        return _EXAMPLE.sub("", node)
    if isinstance(node, dict):
        out = {k: _prefixed(v, kind) for k, v in node.items() if not (k == "examples" and RECORD_ID.search(json.dumps(v)))}
        if isinstance(out.get("$ref"), str) and out["$ref"].startswith("#/$defs/"):
            out["$ref"] = f"#/$defs/{kind}.{out['$ref'].removeprefix('#/$defs/')}"
        if "$defs" in node:
            out["$defs"] = {f"{kind}.{k}": _prefixed(v, kind) for k, v in node["$defs"].items()}
        return out
    if isinstance(node, list):
        return [_prefixed(v, kind) for v in node]
    return node


def _ref_name(prop: dict[str, Any], kind: str) -> str:
    for option in [prop, *prop.get("anyOf", [])]:
        if "$ref" in option:
            return str(option["$ref"]).removeprefix("#/$defs/")
    raise KeyError(f"{kind}: no $ref in {prop}")


def columns(table: Table, full: dict[str, Any]) -> list[str]:
    """CSV columns of a table: each field, an object field as one column per member."""
    return [name for name, _, _ in column_schemas(table, full)]


def column_schemas(table: Table, full: dict[str, Any]) -> list[tuple[str, dict[str, Any], str | None]]:
    """Each CSV column of a table with its JSON Schema and, for a member ``a.b`` of an object
    field, the Chinese title of ``a`` (the data dictionary names columns from these)."""
    out: list[tuple[str, dict[str, Any], str | None]] = []
    for name, prop in full["$defs"][table.kind]["properties"].items():
        target = _object_def(prop, full["$defs"])
        if target is None:
            out.append((name, prop, None))
            continue
        parent = prop.get("title") or target.get("title") or name
        out += [(f"{name}.{sub}", sub_prop, parent) for sub, sub_prop in target["properties"].items()]
    return out


def _object_def(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any] | None:
    for option in [prop, *prop.get("anyOf", [])]:
        ref = option.get("$ref")
        if ref and defs[ref.removeprefix("#/$defs/")].get("type") == "object":
            return defs[ref.removeprefix("#/$defs/")]  # type: ignore[no-any-return]
    return None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return "；".join(_cell(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")  # what makes a spreadsheet read a cell as a formula


def spreadsheet_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: one that would start a formula gets a leading
    single quote (OWASP, CSV injection). The open-data page tells readers so."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(table: Table, rows: list[dict[str, Any]], full: dict[str, Any]) -> str:
    cols = columns(table, full)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(cols)
    for data in rows:
        writer.writerow([spreadsheet_cell(_cell(_pick(data, c))) for c in cols])
    return buf.getvalue()


def _pick(data: dict[str, Any], column: str) -> Any:
    head, _, tail = column.partition(".")
    value = data.get(head)
    return (value or {}).get(tail) if tail else value


FORMATS = ("json", "csv", "ocds")


def files(view: PublicView, formats: tuple[str, ...] = FORMATS, releases: ocds.Releases | None = None) -> Iterator[tuple[str, bytes]]:
    """(file name, content) of every open-data file, deterministic byte for byte. ``releases``:
    the OCDS releases from the records' history (``ocds.releases_of``); without them, each
    process has one release, of its present state."""
    doc = document(view)
    full = schema()
    if "json" in formats:
        yield "records.json", _json(doc)
        yield "records.schema.json", _json(full)
    if "csv" in formats:
        for table in TABLES:
            yield f"{table.name}.csv", csv_text(table, doc[table.name], full).encode("utf-8-sig")
    if "ocds" in formats:
        found = releases if releases is not None else ocds.releases_of(None, view)
        yield ocds.RELEASES_FILE, _json(ocds.release_package(view, found))
        yield ocds.RECORDS_FILE, _json(ocds.record_package(view, found))


def names(formats: tuple[str, ...] = FORMATS) -> list[str]:
    """The names of the files ``files`` makes, in its order, without making them."""
    return [
        *(["records.json", "records.schema.json"] if "json" in formats else []),
        *([f"{table.name}.csv" for table in TABLES] if "csv" in formats else []),
        *(ocds.FILES if "ocds" in formats else ()),
    ]


def _json(data: Any) -> bytes:
    """Indented JSON, UTF-8: orjson writes the bytes ``json.dumps(indent=2)`` would (a test
    holds it to that), many times faster; json takes what orjson refuses (huge integers)."""
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"
    except TypeError:
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
