"""Is this a programme's open data? ``records.json`` checked against the contract.

The contract is the JSON Schema ``jiebang export`` publishes beside ``records.json``
(``generator.export.schema``), of the version this jiebang writes, with one reading of
its versioning rule: new fields may appear within a version, so a newer programme's
export (SPEC §8's ``track``, ``funding.others``, ``division`` …) is accepted and its
known fields are still checked. The fields the national view reads beyond those are
checked by its own models (``generator.federate.model``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import orjson

from generator import export
from generator.federate.sources import SourceFailed
from generator.schemas import violations

MAX_MESSAGES = 5


@cache
def open_schema() -> dict[str, Any]:
    """The open-data schema with every ``additionalProperties: false`` lifted."""

    def lift(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: lift(v) for k, v in node.items() if not (k == "additionalProperties" and v is False)}
        if isinstance(node, list):
            return [lift(v) for v in node]
        return node

    return lift(export.schema())  # type: ignore[no-any-return]


def checked(content: bytes, where: str) -> dict[str, Any]:
    """The parsed document, or :class:`SourceFailed` saying why it is not open data."""
    try:
        doc = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        raise SourceFailed(f"{where}不是有效的 JSON：{exc}。") from exc
    if not isinstance(doc, dict) or doc.get("format") != export.FORMAT:
        raise SourceFailed(f"{where}不是 jiebang 开放数据（format 应为 {export.FORMAT}）。")
    if doc.get("version") != export.VERSION:
        raise SourceFailed(f"{where}的版本为 {doc.get('version')!r}，本程序读取版本 {export.VERSION}：请升级 jiebang 或请该方案重新导出。")
    found = []
    for path, message in violations(open_schema(), doc):
        found.append(f"{'.'.join(map(str, path)) or '（根）'}：{message.rstrip('。')}")
        if len(found) == MAX_MESSAGES:
            found.append("……")
            break
    if found:
        raise SourceFailed(f"{where}不符合 records.schema.json：" + "；".join(found) + "。")
    return doc  # type: ignore[no-any-return]
