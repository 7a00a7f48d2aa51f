"""``jiebang validate --base REV``: a change judged against the revision it started from.

Head is the working tree (what CI checked out); base is the merge base of ``REV`` and
``HEAD``, so that whatever the base branch merged after the change branched off is
never attributed to the change. Base records are read from git objects; the work tree
is never touched. ``compare`` finds every finding on the work tree, checking again only
what the change can affect (the rest from a content-addressed cache that can never hide
a finding the change is responsible for); the change rules C001–C005 then compare both
sides; ``overrides`` decides which ``Policy-Override`` lines count.

Fail closed: a shallow clone, an unknown revision or a missing merge base is
``CannotRun`` (exit 2) with a fetch hint; a change that was not compared never passes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from generator import dates
from generator.changes.incremental import Change, compare
from generator.changes.overrides import apply_overrides, given_overrides, pull_request, screen
from generator.diagnostics import Report
from generator.errors import CannotRun
from generator.git.repo import GitRecords
from generator.layout import RECORDS
from generator.records.cache import ChangeCache, cache_dir
from generator.records.tree import bulk
from generator.rules.base import catalogue, run_change_rules
from generator.validate import make_report

__all__ = ["Change", "compare", "validate_change"]


def validate_change(root: Path, base: str, paths: Sequence[str] = (), today: dt.date | None = None, event: Path | None = None) -> Report:
    """Validate the working tree as ``jiebang validate`` does, plus the change rules
    against the merge base of ``base`` and HEAD; report findings in ``paths``. ``event``
    is the CI event file (``GITHUB_EVENT_PATH``): for a pull request, its description
    holds the overrides that count."""
    repo, merge_base = _open(root, base)
    pr = pull_request(event)
    today = today or dates.today()
    with ChangeCache(cache_dir(root)) as cache, bulk():
        change = compare(repo, root, merge_base, cache)
        found = run_change_rules(change.base, change.head, today)
    rules = frozenset(r.id for r in catalogue() if r.stage == "change")
    given = screen(given_overrides(repo, merge_base, pr, rules), change.base, change.head, today)
    findings, notes = apply_overrides(found, given)
    report = make_report(change.diagnostics + findings, change.files, change.records, paths, root)
    report.notes.extend(notes)
    return report


def _open(root: Path, base: str) -> tuple[GitRecords, str]:
    if not base.strip():
        raise CannotRun("--base 需要一个修订（如 origin/main）：没有基准就无法检查变更规则。")
    if not (root / RECORDS).is_dir():
        raise CannotRun(f"找不到 {root / RECORDS}：请在记录仓库的根目录运行，或用 --root 指定。")
    repo = GitRecords(root)
    repo.require_full_history()  # a merge base found in a truncated history may be wrong
    target = repo.resolve(base)
    return repo, repo.merge_base(target, repo.head()).hexsha
