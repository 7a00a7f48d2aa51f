"""The data dictionary of the open data: every CSV column with its Chinese name and meaning,
and the Chinese name of every code a column may hold.

It is made from what makes the CSV files themselves: the columns and their JSON Schema
(``generator.export``, whose titles and descriptions are the record models' own), and the code
labels the portal shows (``generator.portal.labels``; the grades are the programme's). The
open-data page shows it and ``data/dictionary.csv`` holds it, one row per column.

Column names are stable within a version of the open data (``records.json``'s ``version``):
a column is never renamed or removed without raising the version; new columns may appear.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from generator import export
from generator.models.program import CC_BY_4, OpenData
from generator.ocds.codes import AWARD_STATUS, CONTRACT_STATUS, TENDER_STATUS
from generator.portal import labels
from generator.public.view import PublicView
from generator.urls import web_address

FILE = "dictionary.csv"
HEADER = ("file", "column", "title", "description", "codes")
EMPTY = "（空）"  # how the dictionary names an empty cell that is a code of its own (a milestone not yet checked)

# The labels of every code a column holds, by "<table>.<column>[.<member of its JSON objects>]".
CODES: dict[str, Mapping[Any, str]] = {
    "lists.status": labels.LIST_STATUS,
    "lists.issuer.type": labels.ISSUER_TYPE,
    "lists.track": labels.TRACK,
    "lists.funding.others.kind": labels.PAYER_KIND,
    "lists.eligibility.scope": labels.SCOPE,
    "lists.eligibility.unit_types": labels.UNIT_TYPE,
    "lists.eligibility.bidder_kinds": labels.BIDDER_KIND,
    "notices.publicity.objections.outcome": labels.OBJECTION_OUTCOME,
    "notices.publicity.outcome": labels.PUBLICITY_OUTCOME,
    "winners.lead.type": labels.UNIT_TYPE,
    "winners.partners.type": labels.UNIT_TYPE,
    "winners.status": labels.BID_STATUS,
    "projects.status": labels.PROJECT_STATUS,
    "projects.outcome.category": labels.CATEGORY,
    "milestones.check_result": labels.CHECK_RESULT,
    "awards.basis": labels.AWARD_BASIS,
    "awards.source": labels.AWARD_SOURCE,
}


@dataclass(frozen=True)
class Code:
    member: str  # "" for the cell's own value; else the member of the JSON objects in the cell
    code: str  # as the cell (or the JSON) writes it; "" for an empty cell
    label: str


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    description: str
    codes: tuple[Code, ...]


@dataclass(frozen=True)
class DataFile:
    name: str  # e.g. lists.csv
    title: str
    columns: tuple[Column, ...]


def dictionary(view: PublicView) -> list[DataFile]:
    """Every CSV file of the open data, its columns in the file's order."""
    full = export.schema()
    grades = {code: grade.label for code, grade in view.program.policy.grades.items()} if view.program else {}
    out = []
    for table in export.TABLES:
        found = []
        for name, prop, parent in export.column_schemas(table, full):
            node = _deref(prop, full)
            title = prop.get("title") or node.get("title") or name
            codes = [Code("", code, label) for code, label in grades.items()] if f"{table.name}.{name}" == "lists.grade" else []
            codes += list(_codes(table.name, name, prop, full))
            text = _without_code_help(_description(prop, node, full, title), {c.code for c in codes})
            found.append(Column(name, f"{parent}：{title}" if parent else title, text, tuple(codes)))
        out.append(DataFile(f"{table.name}.csv", table.label, tuple(found)))
    return out


def _deref(node: Any, full: dict[str, Any]) -> dict[str, Any]:
    """A schema with its ``$ref`` (or the one non-null option of ``anyOf``) followed."""
    for _ in range(8):
        if not isinstance(node, dict):
            return {}
        options = [o for o in node.get("anyOf", []) if o.get("type") != "null"]
        if "$ref" in node:
            node = full["$defs"][node["$ref"].removeprefix("#/$defs/")]
        elif len(options) == 1 and "properties" not in node:
            node = options[0]
        else:
            return node
    return node


def _enums(node: Any, full: dict[str, Any], member: tuple[str, ...] = ()) -> Iterator[tuple[str, list[Any]]]:
    """(member path, values) of every ``enum`` inside a column's schema."""
    node = _deref(node, full)
    if "enum" in node:
        yield ".".join(member), node["enum"]
    for option in node.get("anyOf", []):
        yield from _enums(option, full, member)
    if "items" in node:
        yield from _enums(node["items"], full, member)
    for key, sub in node.get("properties", {}).items():
        yield from _enums(sub, full, (*member, key))


def _codes(table: str, column: str, prop: dict[str, Any], full: dict[str, Any]) -> Iterator[Code]:
    for member, values in _enums(prop, full):
        names = CODES.get(".".join(p for p in (table, column, member) if p), {})
        for value in values:
            yield Code(member, "" if value is None else str(value), names.get(value, str(value)))


def _description(prop: dict[str, Any], node: dict[str, Any], full: dict[str, Any], title: str) -> str:
    """The column's meaning, and how a cell holds a list: values joined by “；”, or JSON."""
    text = prop.get("description") or node.get("description") or title
    text = "" if text == title else text
    items = _deref(node.get("items"), full) if node.get("type") == "array" or "items" in node else None
    if items is None:
        return text
    members = items.get("properties")
    how = (
        "JSON 数组，每项含 " + "、".join(f"{k}（{_deref(v, full).get('title') or v.get('title') or k}）" for k, v in members.items())
        if members
        else "多个值以“；”分隔"
    )
    return f"{text}；{how}" if text else how


def _without_code_help(text: str, codes: set[str]) -> str:
    """A description without the editors' help that lists the codes (``draft 草拟 | argued
    已论证 …``): the dictionary names each code in the portal's words instead."""

    def is_help(part: str) -> bool:
        return "|" in part and all(p.split(maxsplit=1)[0] in codes | {"null"} for p in part.split("|") if p.strip())

    kept = []
    for segment in text.split("；"):
        head, _, tail = segment.rpartition("：")
        if not is_help(tail):
            kept.append(segment)
        elif head:
            kept.append(head)
    return "；".join(kept)


def codes_text(column: Column) -> str:
    """A column's codes in one cell: ``code=名称`` joined by “；”, a member's as ``member:code=名称``."""
    return "；".join(f"{c.member + ':' if c.member else ''}{c.code or EMPTY}={c.label}" for c in column.codes)


def csv_bytes(files: list[DataFile]) -> bytes:
    """``dictionary.csv``: one row per column of every CSV file (UTF-8 with a BOM, as the others)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    for f in files:
        for c in f.columns:
            writer.writerow([export.spreadsheet_cell(v) for v in (f.name, c.name, c.title, c.description, codes_text(c))])
    return buf.getvalue().encode("utf-8-sig")


def page_data(view: PublicView, ocds_note: str | None) -> dict[str, Any]:
    """What the open-data page shows: the files, their licence, the dictionary and how OCDS
    reads the records. ``ocds_note``: why the OCDS releases have no history, if they have none."""
    settings = view.program.open_data if view.program else OpenData()
    return {
        "tables": export.TABLES,
        "files": dictionary(view),
        "format": export.FORMAT,
        "version": export.VERSION,
        "licence": settings.licence,
        "licence_url": web_address(settings.licence.url),  # the portal's one link policy (an earlier revision is not validated again)
        "cc_by": settings.licence.url == CC_BY_4[1],
        "ocid_prefix": settings.prefix,
        "registered": settings.ocid_prefix is not None,
        "ocds_note": ocds_note,
        "tender_statuses": [(status, labels.LIST_STATUS[status], code) for status, code in TENDER_STATUS.items()],
        "award_statuses": [(status, labels.PUBLICITY_OUTCOME[status], code) for status, code in AWARD_STATUS.items()],
        "contract_statuses": [(status, labels.PROJECT_STATUS[status], code) for status, code in CONTRACT_STATUS.items()],
    }
