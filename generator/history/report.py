"""Text and JSON forms of a record's history, a revision diff and an audit."""

from __future__ import annotations

import json
from typing import Any

import git

from generator.dates import SHANGHAI
from generator.git.log import Commit, record_id
from generator.history.audit import REASONS, Unapproved
from generator.history.compare import STATUS_LABELS, RevisionDiff
from generator.history.record import ACTION_LABELS, RecordHistory, RecordVersion


def commit_json(c: Commit) -> dict[str, Any]:
    return {
        "commit": c.sha,
        "date": c.date.isoformat(),
        "author": c.author,
        "subject": c.subject,
        "pr": c.pr,
        "approvers": list(c.approvers),
        "overrides": [{"rule": o.rule, "ids": list(o.ids), "reason": o.reason} for o in c.overrides],
    }


def approval_text(c: Commit) -> str:
    """``PR #12，审批：张三`` — or what is missing."""
    parts = [f"PR #{c.pr}" if c.pr is not None else "未经合并请求（PR）"]
    if c.approvers:
        parts.append("审批：" + "；".join(c.approvers))
    parts.extend(f"例外 {o.rule} {'、'.join(o.ids)}：{o.reason}" for o in c.overrides)
    return "，".join(parts)


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


# ---- history ------------------------------------------------------------------------


def history_text(h: RecordHistory) -> str:
    lines = [f"{h.id} 的历史：{len(h.versions)} 个版本，最新在前。"]
    for v in h.versions:
        c = v.commit
        lines.append(f"{c.day}  {ACTION_LABELS[v.action]}  {c.sha[:10]}  {approval_text(c)}  {c.author}")
        lines.append(f"    {c.subject}")
        lines.extend(f"    {line}" for line in _version_lines(v))
    if h.timeline:
        lines.append("状态变化：")
        lines.extend(f"  {s.commit.day}  {s.status}  （{s.commit.sha[:10]}，{approval_text(s.commit)}）" for s in h.timeline)
    return "\n".join(lines)


def _version_lines(v: RecordVersion) -> list[str]:
    out = []
    if v.old_path and v.old_path != v.path:
        out.append(f"文件：{v.old_path} → {v.path}")
    if not v.parsed:
        out.append("此版本的 YAML 无法解析，字段变化从略。")
    out.extend(ch.text() for ch in v.changes)
    return out


def history_json(h: RecordHistory) -> str:
    versions = []
    for v in h.versions:
        item = {**commit_json(v.commit), "action": v.action, "path": v.path, "old_path": v.old_path, "parsed": v.parsed}
        item["changes"] = [ch.as_json() for ch in v.changes]
        versions.append(item)
    timeline = [{"status": s.status, "date": s.commit.date.isoformat(), "commit": s.commit.sha, "pr": s.commit.pr} for s in h.timeline]
    return _dump({"id": h.id, "versions": versions, "timeline": timeline})


# ---- diff ---------------------------------------------------------------------------


def _rev(c: git.Commit) -> str:
    return f"{c.hexsha[:10]}（{c.committed_datetime.astimezone(SHANGHAI).date()}）"


def diff_text(d: RevisionDiff) -> str:
    lines = [f"{_rev(d.old)} → {_rev(d.new)}"]
    for r in d.records:
        moved = f"（由 {r.old_path} 移来）" if r.old_path and r.old_path != r.path else ""
        lines.append(f"{STATUS_LABELS[r.status]}  {r.id}  {r.path}{moved}")
        if not r.parsed:
            lines.append("    其中一个版本的 YAML 无法解析，字段变化从略。")
        lines.extend(f"    {ch.text()}" for ch in r.changes)
    counts = _counts(d)
    lines.append(f"共 {len(d.records)} 条记录变化：新增 {counts['added']}，删除 {counts['removed']}，修改 {counts['changed']}。")
    return "\n".join(lines)


def _counts(d: RevisionDiff) -> dict[str, int]:
    return {s: sum(r.status == s for r in d.records) for s in STATUS_LABELS}


def diff_json(d: RevisionDiff) -> str:
    def rev(c: git.Commit) -> dict[str, str]:
        return {"commit": c.hexsha, "date": c.committed_datetime.isoformat()}

    records = [
        {
            "id": r.id,
            "status": r.status,
            "path": r.path,
            "old_path": r.old_path,
            "parsed": r.parsed,
            "changes": [ch.as_json() for ch in r.changes],
        }
        for r in d.records
    ]
    return _dump({"old": rev(d.old), "new": rev(d.new), "records": records, "summary": _counts(d)})


# ---- audit --------------------------------------------------------------------------


def _touched(c: Commit) -> list[str]:
    return sorted({record_id(ch.path) for ch in c.changes})


def audit_text(found: list[Unapproved], audited: int) -> str:
    lines = []
    for u in found:
        c = u.commit
        lines.append(f"{c.sha[:10]}  {c.day}  {c.author}  {c.subject}")
        lines.extend(f"    {REASONS[r]}" for r in u.reasons)
        lines.append("    记录：" + "、".join(_touched(c)))
    verdict = "全部经过批准" if not found else f"{len(found)} 个未经批准"
    lines.append(f"共审计主线上 {audited} 个改动记录的提交：{verdict}。")
    return "\n".join(lines)


def audit_json(found: list[Unapproved], audited: int) -> str:
    items = [
        {**commit_json(u.commit), "reasons": [{"code": r, "message": REASONS[r]} for r in u.reasons], "records": _touched(u.commit)}
        for u in found
    ]
    return _dump({"unapproved": items, "summary": {"audited": audited, "unapproved": len(found)}})
