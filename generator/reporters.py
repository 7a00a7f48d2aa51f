"""Reporters: text (one finding a line), JSON (SPEC §5 keys), GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Callable

from generator.diagnostics import INFO, WARNING, Report

JSON_KEYS = ("path", "line", "column", "level", "rule", "record", "message", "field", "cites")


def text(report: Report) -> str:
    lines = [f"{d.path}:{d.line}:{d.column}: {d.level} {d.rule} {d.message}" for d in report.sorted()]
    lines += [f"{n.level} {n.title} {n.message}" for n in report.notes]
    s = report.summary()
    lines.append(
        f"共检查 {s['files']} 个文件、{s['records']} 条记录：{s['errors']} 个错误，{s['warnings']} 个警告"
        + (f"，{s['info']} 条已豁免" if s["info"] else "")
        + "。"
    )
    return "\n".join(lines)


def as_json(report: Report) -> str:
    findings = [{k: d.as_json()[k] for k in JSON_KEYS} for d in report.sorted()]
    notes = {"notes": [n.as_json() for n in report.notes]} if report.notes else {}
    return json.dumps({"findings": findings, **notes, "summary": report.summary()}, ensure_ascii=False, indent=2)


def github(report: Report) -> str:
    """Workflow commands, so findings show inline on the pull request's diff (notes, which
    concern no file, in the run's annotations)."""
    out = []
    for d in report.sorted():
        path = d.path.replace(",", "%2C").replace(":", "%3A")
        out.append(f"::{_COMMANDS.get(d.level, 'error')} file={path},line={d.line},col={d.column},title={d.rule}::{_data(d.message)}")
    for n in report.notes:
        title = _data(n.title).replace(",", "%2C").replace(":", "%3A")
        out.append(f"::{_COMMANDS.get(n.level, 'error')} title={title}::{_data(n.message)}")
    out.append(text(Report(files=report.files, records=report.records, findings=report.findings)).splitlines()[-1])
    return "\n".join(out)


_COMMANDS = {WARNING: "warning", INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


REPORTERS: dict[str, Callable[[Report], str]] = {"text": text, "json": as_json, "github": github}
