"""Text and JSON forms of a record's history, a revision diff and an audit."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from generator.dates import SHANGHAI
from generator.git.allowed_signers import SignerKey
from generator.git.log import Commit, record_id
from generator.git.repo import GitCommit
from generator.git.signatures import SIGNERS_FILE
from generator.history.approvals import REASONS, Approval, Ledger, signer_lines, verdict
from generator.history.audit import Audited, AuditReport
from generator.history.compare import STATUS_LABELS, RevisionDiff
from generator.history.labels import change_text, kind_at, status_text
from generator.history.record import ACTION_LABELS, RecordHistory, RecordVersion


def commit_json(c: Commit) -> dict[str, Any]:
    return {
        "commit": c.sha,
        "date": c.date.isoformat(),
        "author": c.author,
        "subject": c.subject,
        "pr": c.pr,
        "named_reviewers": list(c.approvers),
        "overrides": [{"rule": o.rule, "ids": list(o.ids), "reason": o.reason} for o in c.overrides],
    }


def approval_json(a: Approval) -> dict[str, Any]:
    return {
        "verified": a.verified,
        "text": verdict(a),
        "approver": a.approver,
        "approver_email": a.approver_email,
        "basis": a.basis,
        "signer": a.signer,
        "key": a.key,
        "fingerprint": a.fingerprint,
        "platform": a.platform,
        "reasons": [{"code": r, "message": REASONS[r]} for r in a.reasons],
        "duplicate_of": a.duplicate_of,
    }


def approval_text(c: Commit, ledger: Ledger) -> str:
    """``已验证签名：张三（合并 PR #12）`` — or why it is not verified — and its overrides."""
    parts = [verdict(ledger.approval(c.sha))]
    parts.extend(f"例外 {o.rule} {'、'.join(o.ids)}：{o.reason}" for o in c.overrides)
    return "，".join(parts)


def reviewers_line(c: Commit, a: Approval) -> list[str]:
    """The people the trailers name: the approver's word when verified, a claim when not."""
    if not c.approvers:
        return []
    label = "批准人列出的审核人" if a.verified else "提交说明自称的审核人（未经验证）"
    return [f"{label}：" + "；".join(c.approvers)]


def trust_lines(ledger: Ledger) -> list[str]:
    """Which keys the approvals rest on: the trust root, the keys trusted now, the platform
    keys, and the changes to the signers file that were ignored."""
    root, lines = ledger.root, []
    if root is not None:
        lines.append(
            f"信任根：{SIGNERS_FILE} 的首个版本（提交 {root.commit.sha[:10]}，{_day(root.commit.committed)}）按原样信任，其中的密钥："
        )
        lines.extend(f"    {line}" for line in signer_lines(root.version.keys) or ["（无）"])
        if set(ledger.signers) != {k.fingerprint for k in root.version.keys}:
            lines.append("现行受信任的批准密钥：")
            lines.extend(f"    {line}" for line in signer_lines(ledger.signers.values()) or ["（无）"])
    else:
        lines.append(f"信任根：主线上没有 {SIGNERS_FILE}。")
    for key in ledger.platform_keys():
        lines.append(f"平台签名密钥 {key.name}（{key.platform} 网页合并签名）：")
        lines.extend(
            f"    {fp}" + (f"（{_day(key.expired[fp])} 过期，只认此前的提交）" if fp in key.expired else "") for fp in key.fingerprints
        )
    if root is None and not ledger.platform:
        lines.append("没有任何受信任的批准密钥：所有变更都未经验证。")
    for change in ledger.signers_changes:
        if change.trusted and change.version.invalid_lines:
            numbers = "、".join(map(str, change.version.invalid_lines))
            lines.append(f"{SIGNERS_FILE}（提交 {change.commit.sha[:10]}）第 {numbers} 行不是有效的密钥行，已忽略。")
    for change in ledger.untrusted:
        c = change.commit
        lines.append(f"{SIGNERS_FILE} 的改动未经此前受信任的密钥签名，已忽略：{c.sha[:10]}  {_day(c.committed)}  {c.subject}")
    return lines


def trust_json(ledger: Ledger) -> dict[str, Any]:
    def keys(found: Iterable[SignerKey]) -> list[dict[str, str]]:
        return [{"fingerprint": k.fingerprint, "principal": k.principal} for k in found]

    root = ledger.root
    return {
        "root": {"commit": root.commit.sha, "date": root.commit.committed.isoformat(), "keys": keys(root.version.keys)} if root else None,
        "signers": keys(ledger.signers.values()),
        "platform_keys": [{"name": k.name, "platform": k.platform, "fingerprints": list(k.fingerprints)} for k in ledger.platform_keys()],
        "signers_changes": [
            {
                "commit": c.commit.sha,
                "date": c.commit.committed.isoformat(),
                "outcome": c.outcome,
                "trusted": c.trusted,
                "keys": keys(c.version.keys),
            }
            for c in ledger.signers_changes
        ],
        "platform_changes": [{"commit": c.sha, "platform_keys": sorted(c.names), "adopted": c.adopted} for c in ledger.platform_changes],
        "duplicates": {str(pr): list(shas) for pr, shas in sorted(ledger.duplicates.items())},
    }


def _day(when: dt.datetime) -> str:
    return when.astimezone(SHANGHAI).date().isoformat()


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


# ---- history ------------------------------------------------------------------------


def history_text(h: RecordHistory) -> str:
    ledger = h.ledger or Ledger()
    lines = [f"{h.id} 的历史：{len(h.versions)} 个版本，最新在前。"]
    for v in h.versions:
        c = v.commit
        lines.append(f"{c.day}  {ACTION_LABELS[v.action]}  {c.sha[:10]}  {approval_text(c, ledger)}  {c.author}")
        lines.append(f"    {c.subject}")
        lines.extend(f"    {line}" for line in reviewers_line(c, ledger.approval(c.sha)))
        lines.extend(f"    {line}" for line in _version_lines(v))
    if h.timeline:
        lines.append("状态变化：")
        kind = kind_at(h.versions[0].path)
        lines.extend(
            f"  {s.commit.day}  {status_text(kind, s.status)}  （{s.commit.sha[:10]}，{approval_text(s.commit, ledger)}）"
            for s in h.timeline
        )
    lines.extend(trust_lines(ledger))
    return "\n".join(lines)


def _version_lines(v: RecordVersion) -> list[str]:
    out = []
    if v.old_path and v.old_path != v.path:
        out.append(f"文件：{v.old_path} → {v.path}")
    if not v.parsed:
        out.append("此版本的 YAML 无法解析，字段变化从略。")
    out.extend(change_text(kind_at(v.path), ch) for ch in v.changes)
    return out


def history_json(h: RecordHistory) -> str:
    ledger = h.ledger or Ledger()
    versions = []
    for v in h.versions:
        item = {**commit_json(v.commit), "approval": approval_json(ledger.approval(v.commit.sha))}
        item.update(action=v.action, path=v.path, old_path=v.old_path, parsed=v.parsed, changes=[ch.as_json() for ch in v.changes])
        versions.append(item)
    timeline = [
        {
            "status": s.status,
            "date": s.commit.date.isoformat(),
            "commit": s.commit.sha,
            "pr": s.commit.pr,
            "verified": ledger.approval(s.commit.sha).verified,
        }
        for s in h.timeline
    ]
    return _dump({"id": h.id, "versions": versions, "timeline": timeline, "trust": trust_json(ledger)})


# ---- diff ---------------------------------------------------------------------------


def _rev(c: GitCommit) -> str:
    return f"{c.hexsha[:10]}（{c.committed_datetime.astimezone(SHANGHAI).date()}）"


def diff_text(d: RevisionDiff) -> str:
    lines = [f"{_rev(d.old)} → {_rev(d.new)}"]
    for r in d.records:
        moved = f"（由 {r.old_path} 移来）" if r.old_path and r.old_path != r.path else ""
        lines.append(f"{STATUS_LABELS[r.status]}  {r.id}  {r.path}{moved}")
        if not r.parsed:
            lines.append("    其中一个版本的 YAML 无法解析，字段变化从略。")
        lines.extend(f"    {change_text(kind_at(r.path), ch)}" for ch in r.changes)
    counts = _counts(d)
    lines.append(f"共 {len(d.records)} 条记录变化：新增 {counts['added']}，删除 {counts['removed']}，修改 {counts['changed']}。")
    return "\n".join(lines)


def _counts(d: RevisionDiff) -> dict[str, int]:
    return {s: sum(r.status == s for r in d.records) for s in STATUS_LABELS}


def diff_json(d: RevisionDiff) -> str:
    def rev(c: GitCommit) -> dict[str, str]:
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


def audit_text(report: AuditReport) -> str:
    lines = [*trust_lines(report.ledger), ""]
    ignored = {p.sha for p in report.ledger.platform_changes if not p.adopted}
    for a in report.commits:
        c = a.commit
        lines.append(f"{c.sha[:10]}  {c.day}  {_audit_verdict(a)}")
        lines.append(f"    {c.subject}（作者：{c.author}）")
        if a.approval.fingerprint and not a.approval.key:
            lines.append(f"    签名密钥：{a.approval.fingerprint}")
        if a.approval.duplicate_of:
            lines.append(f"    与提交 {a.approval.duplicate_of[:10]} 的 PR 编号相同")
        if c.sha in ignored:
            lines.append("    其中对 approvals.platform_keys 的改动不是已验证的批准，未生效")
        lines.extend(f"    {line}" for line in reviewers_line(c, a.approval))
        lines.append("    记录：" + "、".join(_touched(c)))
    for pr, shas in sorted(report.ledger.duplicates.items()):
        lines.append(f"PR 编号重复：PR #{pr} 在主线上出现 {len(shas)} 次（提交 " + "、".join(s[:10] for s in shas) + "）。")
    lines.append(_summary(report))
    return "\n".join(lines)


def _audit_verdict(a: Audited) -> str:
    if a.approved:
        return verdict(a.approval)
    if a.approval.verified:  # verified, but the programme also wants the reviewers named
        return f"{verdict(a.approval)}；但{REASONS['no-approver']}"
    text = verdict(a.approval)
    return text + ("；" + REASONS["no-approver"] if "no-approver" in a.reasons else "")


def _summary(report: AuditReport) -> str:
    bad, untrusted = len(report.unapproved), len(report.untrusted)
    verdict_text = (
        "全部经过批准（均为受信任的密钥签名的合并请求）" if report.clean else (f"{bad} 个未经批准" if bad else "各提交均经过批准")
    )
    extra = f"；另有 {untrusted} 个 {SIGNERS_FILE} 的改动未经信任、已被忽略" if untrusted else ""
    return f"共审计主线上 {len(report.commits)} 个改动记录的提交：{verdict_text}{extra}。"


def audit_json(report: AuditReport) -> str:
    def item(a: Audited) -> dict[str, Any]:
        reasons = [{"code": r, "message": REASONS[r]} for r in a.reasons]
        return {
            **commit_json(a.commit),
            "approval": approval_json(a.approval),
            "approved": a.approved,
            "reasons": reasons,
            "records": _touched(a.commit),
        }

    items = [item(a) for a in report.commits]
    summary = {
        "audited": len(items),
        "unapproved": len(report.unapproved),
        "untrusted_signers_changes": len(report.untrusted),
        "clean": report.clean,
    }
    return _dump(
        {"trust": trust_json(report.ledger), "commits": items, "unapproved": [i for i in items if not i["approved"]], "summary": summary}
    )
