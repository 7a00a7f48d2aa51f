"""Which ``Policy-Override`` lines count for a change, and what they excuse.

SPEC §7: an override counts only where the change is approved — in the pull request's
description while the pull request is checked (read from the CI event file,
``GITHUB_EVENT_PATH``: ``pull_request.body``), and in the approving commit once the
change is on the main line (a pull-request merge or squash commit among the first
parents of HEAD, whose message carries the description when the repository merges
with "pull request title and description"). A ``Policy-Override`` anywhere else — a
branch's own commits, a commit pushed straight to the main line — counts for nothing,
and the report says so. An override excuses the findings of the rule it names on the
record ids it names, nothing else; it never drops a finding, which stays in the report
at level info with the reason and where the override was written. The grammar is
``git.overrides``', the one parser.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import INFO, WARNING, Diagnostic, Note
from generator.errors import CannotRun
from generator.git.log import Commit, commits_between
from generator.git.overrides import KEY, Override, Overrides, overrides_in
from generator.git.repo import GitRecords
from generator.models.corpus import Corpus
from generator.public.visibility import public_ids
from generator.rules.privacy import ACTIVE_MARKUP, MARKING, personal_numbers

WHY_PR = "检查拉取请求时只认拉取请求说明中的豁免；分支上的提交说明不是审批。请把这一行写进拉取请求说明。"
WHY_BRANCH = "分支上的普通提交不是审批：豁免只在拉取请求说明或批准它的合并提交中有效。"
WHY_DIRECT = "该提交不是经拉取请求合并的提交（合并提交或压缩合并），其说明不是审批。"


@dataclass(frozen=True)
class PullRequest:
    """The pull request under check, as the CI event describes it."""

    number: int | None
    body: str


@dataclass(frozen=True)
class Counted:
    override: Override
    where: str  # in Chinese: 拉取请求 #12 的说明, 合并提交 1a2b3c4d5e（#12）的说明


@dataclass(frozen=True)
class Ignored:
    text: str  # the line after the key, as written
    where: str
    why: str  # in Chinese


@dataclass
class Given:
    """The overrides a change carries: those that count, and those that do not, with why."""

    counted: list[Counted] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)

    def take(self, lines: Overrides, where: str, rules: frozenset[str]) -> None:
        for o in lines.found:
            if o.rule in rules:
                self.counted.append(Counted(o, where))
            else:
                self.ignored.append(Ignored(o.text, where, f"{o.rule} 不是变更规则：可豁免的只有 {'、'.join(sorted(rules))}。"))
        self.ignored.extend(Ignored(r.text, where, r.problem) for r in lines.rejected)

    def ignore(self, lines: Overrides, where: str, why: str) -> None:
        texts = [o.text for o in lines.found] + [r.text for r in lines.rejected]
        self.ignored.extend(Ignored(text, where, why) for text in texts)


def pull_request(event: Path | None) -> PullRequest | None:
    """The pull request a CI event file (``GITHUB_EVENT_PATH``) describes; None for any
    other event (a push, a merge queue) or without one (a run outside CI)."""
    if event is None:
        return None
    try:
        data = json.loads(event.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CannotRun(f"无法读取 CI 事件文件 {event}（GITHUB_EVENT_PATH）：{exc}") from exc
    pr = data.get("pull_request") if isinstance(data, dict) else None
    if not isinstance(pr, dict):
        return None
    number, body = pr.get("number"), pr.get("body")
    return PullRequest(number if isinstance(number, int) else None, body if isinstance(body, str) else "")


def given_overrides(repo: GitRecords, merge_base: str, pr: PullRequest | None, rules: frozenset[str]) -> Given:
    """The overrides of a change (merge base..HEAD), sorted into those that count and those that do not."""
    given = Given()
    if pr is not None:
        given.take(overrides_in(pr.body), f"拉取请求 #{pr.number} 的说明" if pr.number is not None else "拉取请求说明", rules)
    commits = commits_between(repo, merge_base)
    main = _main_line(commits, repo.head().hexsha)
    for c in reversed(commits):  # oldest first
        lines = c.override_lines
        if not lines:
            continue
        if pr is None and c.sha in main and c.pr is not None:
            given.take(lines, f"合并提交 {c.sha[:10]}（#{c.pr}）的说明", rules)
        else:
            given.ignore(lines, f"提交 {c.sha[:10]} 的说明", WHY_PR if pr is not None else WHY_DIRECT if c.sha in main else WHY_BRANCH)
    return given


def screen(given: Given, base: Corpus, head: Corpus, today: dt.date) -> Given:
    """Overrides whose reason could not be published, moved to ``ignored`` with why: a
    reason is public text (the decision log shows it), so it is checked like a record's —
    no personal data (P001), no classification marking (P002), no active markup (P003), and
    no id or title of a record that is not public after the change (SPEC §7). Checked
    against the records the change reaches (both sides); the decision log redacts any
    other non-public name on top."""
    secret = _secret_names(base, head, today)
    kept = []
    for c in given.counted:
        problem = _reason_problem(c.override.reason, secret)
        if problem is None:
            kept.append(c)
        else:
            given.ignored.append(Ignored(c.override.text, c.where, f"豁免理由会在决策记录中公开：{problem}。请改写理由后再提交。"))
    given.counted = kept
    return given


def _secret_names(base: Corpus, head: Corpus, today: dt.date) -> dict[str, str]:
    """Text → what it is, for the ids and titles of records that are not public after the change."""
    public = public_ids(head, today)
    gone = [r for r in base if r.id not in head.by_id]
    names: dict[str, str] = {}
    for rec in [*(r for r in head if r.id not in public and r.kind != "program"), *gone]:
        names[rec.id] = f"非公开记录 {rec.id}"
        title = getattr(rec, "title", None)
        if isinstance(title, str) and title.strip():
            names[title] = f"非公开记录 {rec.id} 的名称"
    return names


def _reason_problem(reason: str, secret: dict[str, str]) -> str | None:
    found = [what for text, what in secret.items() if text in reason]
    found += personal_numbers(reason)
    if "密" in reason and MARKING.search(reason):
        found.append("密级标志")
    found += [label for pattern, label in ACTIVE_MARKUP if pattern.search(reason)]
    return f"其中有{'、'.join(found)}" if found else None


def apply_overrides(findings: list[Diagnostic], given: Given) -> tuple[list[Diagnostic], list[Note]]:
    """Findings an override excuses turned to info (with the reason and where it was
    written); and a note on every override: taken, partly of no use, or not taken and why."""
    out = []
    excused: dict[int, set[str]] = defaultdict(set)  # counted override → the ids it excused
    for d in findings:
        hits = [i for i, c in enumerate(given.counted) if c.override.excuses(d.rule, d.record)]
        if not hits:
            out.append(d)
            continue
        for i in hits:
            excused[i].add(d.record or "")
        why = "；".join(f"{given.counted[i].where}：{given.counted[i].override.reason}" for i in hits)
        out.append(dataclasses.replace(d, level=INFO, message=f"{d.message} 已依 Policy-Override 豁免（{why}）。"))
    return out, _notes(given, excused)


def _notes(given: Given, excused: dict[int, set[str]]) -> list[Note]:
    notes = []
    for i, c in enumerate(given.counted):
        o = c.override
        used = [x for x in o.ids if x in excused[i]]
        unused = [x for x in o.ids if x not in excused[i]]
        if used:
            notes.append(Note(INFO, KEY, f"已采纳{c.where}中的豁免“{o.text}”：豁免 {'、'.join(used)} 的 {o.rule} 违规。"))
        if unused:
            notes.append(
                Note(
                    WARNING,
                    KEY,
                    f"{c.where}中的豁免“{o.text}”对 {'、'.join(unused)} 没有作用：这些记录没有 {o.rule} 违规，请核对记录编号。",
                )
            )
    notes.extend(Note(WARNING, KEY, f"未采纳{i.where}中的豁免“{i.text}”：{i.why}") for i in given.ignored)
    return notes


def _main_line(commits: list[Commit], head: str) -> set[str]:
    """The commits of the range that are first parents from HEAD: the main line's own."""
    by_sha = {c.sha: c for c in commits}
    line: set[str] = set()
    sha = head
    while sha in by_sha:
        line.add(sha)
        parents = by_sha[sha].parents
        sha = parents[0] if parents else ""
    return line
