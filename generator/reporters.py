"""Reporters: text (one finding a line), JSON (SPEC §5 keys), GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Callable

from generator.diagnostics import INFO, WARNING, Report

JSON_KEYS = ("path", "line", "column", "level", "rule", "record", "message", "field", "cites")


def text(report: Report) -> str:
    lines = [f"{d.path}:{d.line}:{d.column}: {d.level} {d.rule} {d.message}" for d in report.sorted()]
    s = report.summary()
    lines.append(
        f"共检查 {s['files']} 个文件、{s['records']} 条记录：{s['errors']} 个错误，{s['warnings']} 个警告"
        + (f"，{s['info']} 条已豁免" if s["info"] else "")
        + "。"
    )
    return "\n".join(lines)


def as_json(report: Report) -> str:
    findings = [{k: d.as_json()[k] for k in JSON_KEYS} for d in report.sorted()]
    return json.dumps({"findings": findings, "summary": report.summary()}, ensure_ascii=False, indent=2)


def github(report: Report) -> str:
    """Workflow commands, so findings show inline on the pull request's diff."""
    out = []
    for d in report.sorted():
        command = {WARNING: "warning", INFO: "notice"}.get(d.level, "error")
        message = d.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        path = d.path.replace(",", "%2C").replace(":", "%3A")
        out.append(f"::{command} file={path},line={d.line},col={d.column},title={d.rule}::{message}")
    out.append(text(Report(files=report.files, records=report.records, findings=report.findings)).splitlines()[-1])
    return "\n".join(out)


REPORTERS: dict[str, Callable[[Report], str]] = {"text": text, "json": as_json, "github": github}
