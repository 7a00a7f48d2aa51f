"""``jiebang validate --base REV``: a change judged against the revision it started from.

Head is the working tree (what CI checked out); base is the merge base of ``REV`` and
``HEAD``, so that whatever the base branch merged after the change branched off is
never attributed to the change. Base records are read from git objects; the work tree
is never touched.

Incremental: a head file whose git blob id equals its blob at the merge base is
unchanged, so the base corpus reuses its head result, and only changed or deleted
files are read at the merge base. With the on-disk cache (``FileCache``, keyed by path
and blob id) an unchanged file is not parsed or validated again either; a cold cache
checks every file once. Cross-record rules always see the whole record set.

Fail closed: a shallow clone, an unknown revision or a missing merge base is
``CannotRun`` (exit 2) with a fetch hint; a change that was not compared never passes.
A C-rule finding is downgraded to info only by a ``Policy-Override: C00x <reason>``
trailer on a commit between the merge base and HEAD, and says so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator import dates
from generator.diagnostics import INFO, Diagnostic, Report
from generator.history.repo import GitRecords
from generator.records.cache import CACHE_DIR, FileCache, Reader, blob_id
from generator.records.files import RECORDS, FileResult, check_file, iter_record_files, read_files
from generator.rules.base import run_change_rules
from generator.validate import CannotRun, Loaded, load_results, report_for

OVERRIDE_KEY = "policy-override"
OVERRIDE = re.compile(r"^(C\d{3})\s+(\S.*)$")
CACHE_ENV = "JIEBANG_CACHE"  # a directory for the cache, or "off"; default <root>/.jiebang-cache


@dataclass
class Change:
    """The record sets on both sides of a change, and what it cost to load them."""

    base: Loaded
    head: Loaded
    merge_base: str  # commit sha
    changed: list[str] = field(default_factory=list)  # record files added, modified or deleted
    checked: int = 0  # files parsed and validated in this run (the rest came from the cache or the head)


@dataclass(frozen=True)
class Override:
    rule: str
    reason: str
    commit: str


def validate_change(root: Path, base: str, paths: Sequence[str] = (), today: dt.date | None = None) -> Report:
    """Validate the working tree as ``jiebang validate`` does, plus the change rules
    C001–C004 against the merge base of ``base`` and HEAD; report findings in ``paths``."""
    repo, merge_base = _open(root, base)
    cache = FileCache(_cache_dir(root), _reader(root, repo))
    change = compare(repo, root, merge_base, cache)
    cache.save()
    overrides, malformed = read_overrides(repo, merge_base)
    found = run_change_rules(change.base.corpus, change.head.corpus, today or dates.today())
    change.head.diagnostics.extend(apply_overrides(found, overrides, malformed))
    return report_for(change.head, paths, root)


def _open(root: Path, base: str) -> tuple[GitRecords, str]:
    if not base.strip():
        raise CannotRun("--base 需要一个修订（如 origin/main）：没有基准就无法检查变更规则。")
    if not (root / RECORDS).is_dir():
        raise CannotRun(f"找不到 {root / RECORDS}：请在记录仓库的根目录运行，或用 --root 指定。")
    repo = GitRecords(root)
    repo.require_full_history()  # a merge base found in a truncated history may be wrong
    target = repo.resolve(base)
    return repo, repo.merge_base(target, repo.head()).hexsha


def compare(repo: GitRecords, root: Path, merge_base: str, cache: FileCache | None = None) -> Change:
    """Load the working tree and the record set at ``merge_base``, checking each file at most once."""
    at_base = {b.path: b.sha for b in repo.blobs(repo.resolve(merge_base))}
    checked = 0

    def check(path: str, sha: str | None, raw: bytes | OSError | None = None) -> FileResult:
        """One file's result: from the cache when it has this blob, else checked (raw None: read the blob)."""
        nonlocal checked
        key = (path, sha or "")
        if cache is not None and sha and key in cache:
            return cache[key]
        result = check_file(path, raw if raw is not None else repo.read(key[1]))
        checked += 1
        if cache is not None and sha:
            cache[key] = result
        return result

    head: list[FileResult] = []
    unchanged: dict[str, FileResult] = {}
    for rel, raw in read_files(root, iter_record_files(root)):
        sha = None if isinstance(raw, OSError) else blob_id(raw)
        head.append(check(rel, sha, raw))
        if sha is not None and at_base.get(rel) == sha:
            unchanged[rel] = head[-1]
    others = sorted((p, sha) for p, sha in at_base.items() if p not in unchanged)
    base = list(unchanged.values()) + [check(p, sha) for p, sha in others]
    changed = sorted({r.path for r in head if r.path not in unchanged} | {p for p, _ in others})
    return Change(load_results(base), load_results(head), merge_base, changed, checked)


def read_overrides(repo: GitRecords, merge_base: str) -> tuple[dict[str, list[Override]], list[tuple[str, str]]]:
    """``Policy-Override: C00x <reason>`` trailers of the commits under review (merge base..HEAD),
    by rule; and the malformed ones (no rule id, not a C-rule, or no reason) as (commit, value)."""
    overrides: dict[str, list[Override]] = defaultdict(list)
    malformed: list[tuple[str, str]] = []
    for sha, trailers in reversed(repo.log_trailers([f"{merge_base}..HEAD"])):
        for key, value in trailers:
            if key.lower() != OVERRIDE_KEY:
                continue
            match = OVERRIDE.match(value)
            if match:
                overrides[match[1]].append(Override(match[1], match[2].strip(), sha))
            else:
                malformed.append((sha, value))
    return overrides, malformed


def apply_overrides(findings: list[Diagnostic], overrides: dict[str, list[Override]], malformed: list[tuple[str, str]]) -> list[Diagnostic]:
    """An overridden finding stays in the report as info, with the reason and the commit."""
    out = []
    for d in findings:
        given = overrides.get(d.rule)
        if given:
            why = "；".join(f"提交 {o.commit[:10]}：{o.reason}" for o in given)
            out.append(dataclasses.replace(d, level=INFO, message=f"{d.message} 已依 Policy-Override 豁免（{why}）。"))
        elif malformed:
            bad = "；".join(f"提交 {sha[:10]} 的“{value}”" for sha, value in malformed)
            hint = f"（未采纳格式不符的豁免 {bad}：应为 Policy-Override: C00x <理由>。）"
            out.append(dataclasses.replace(d, message=d.message + hint))
        else:
            out.append(d)
    return out


def _cache_dir(root: Path) -> Path | None:
    value = os.environ.get(CACHE_ENV)
    if value is None:
        return root / CACHE_DIR
    return None if value.strip().lower() in ("", "0", "off", "no", "false") else Path(value)


def _reader(root: Path, repo: GitRecords) -> Reader:
    """Bytes of a cached file, for a finding's position: the work tree if it still holds
    that blob, else git's object database; empty (position 1:1) if neither has it."""

    def read(path: str, sha: str) -> bytes:
        try:
            raw = (root / path).read_bytes()
            if blob_id(raw) == sha:
                return raw
        except OSError:
            pass
        return repo.read_if_present(sha) or b""

    return read
