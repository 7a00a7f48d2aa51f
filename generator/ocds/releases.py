"""The releases of each contracting process: one for every change of what the public could read.

From git (the records repository with its whole main line): a release for each main-line commit
that changed what a process shows, its ``id`` the list's id and the commit's (``L-2024-003-
3f2a9c1b7e4d``) and its ``date`` the commit's; and one for each 公示 that began after the commit
that wrote it, on its first day (``L-2024-003-3f2a9c1b7e4d-20240708``). A commit that changed
nothing a process shows (a need, a panel, a field that is not public) makes no release, and a
process that did not change makes none, whatever the day of the build.

Without the history (a folder outside git, a shallow clone, missing objects) each process has
one release, of its present state, dated by the build's date; :attr:`Releases.note` says so, and
so does the open-data page. Records that differ from the last commit (a build of an edited work
tree) add such a release too. Those releases are named by their content
(``L-2024-003-<12 hex digits>``), so two different contents never share an id.

Each release carries the whole process as it stood (a snapshot) and ``null`` for each field the
one before it had and it lacks, so that merging the releases in date order (OCDS merging,
``ocdsmerge``) gives the process as it stands. Merging keeps an entry of a list that a later
release no longer has (an indicator removed by an amendment): OCDS has no way to remove one.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from generator.errors import CannotRun
from generator.git.log import build_index
from generator.git.repo import GitRecords
from generator.history.public import redacted_texts, scrub
from generator.history.record import Reader
from generator.models.corpus import Corpus
from generator.ocds.codes import TAG_ORDER
from generator.ocds.process import date_time, ocid, process
from generator.ocds.walk import Point, Seen, models, walk
from generator.public.leaks import Secrets
from generator.public.redact import Redactor
from generator.public.view import PublicView

NO_HISTORY = "本次生成时{}，每个合同过程只有一个发布（release），内容为生成时的状态，日期为生成日期；完整的发布历史以记录仓库为准。"


@dataclass(frozen=True)
class Releases:
    """The releases of every public process, by list id, oldest first; ``note`` says why there
    is only the present state (no history)."""

    by_list: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    note: str | None = None

    def all(self) -> list[dict[str, Any]]:
        """Every release, by ocid and then date."""
        return [r for list_id in sorted(self.by_list) for r in self.by_list[list_id]]


def releases_of(root: Path | GitRecords | None, view: PublicView, rev: str = "HEAD", secrets: Secrets | None = None,
                redacted: frozenset[str] | None = None, work_tree: Corpus | None = None) -> Releases:  # fmt: skip
    """The releases of what ``view`` shows, from the main line at ``rev`` of the repository at
    ``root`` (None: no repository). ``secrets`` and ``redacted`` clean past texts as the portal's
    history does (``generator.history.public.portal_history``); made from ``view`` when not given.
    ``work_tree``: the records as loaded from the work tree, reused for the versions git holds
    byte for byte. Never raises for a missing history: the releases are then the present state,
    with a note."""
    if root is None:
        return present_only(view, NO_HISTORY.format("没有使用记录仓库的 git 历史"))
    try:
        src = root if isinstance(root, GitRecords) else GitRecords(root)
    except CannotRun:
        return present_only(view, NO_HISTORY.format("记录不在 git 仓库中"))
    try:
        return _from_git(src, view, rev, secrets or Secrets.of(view), redacted, work_tree)
    except CannotRun:
        reason = "仓库是浅克隆（shallow clone），历史不完整" if src.shallow else "仓库缺少所需的提交"
        return present_only(view, NO_HISTORY.format(reason))


def _from_git(
    src: GitRecords, view: PublicView, rev: str, secrets: Secrets, redacted: frozenset[str] | None, work_tree: Corpus | None
) -> Releases:
    index = build_index(src, rev)
    if redacted is None:
        redacted = redacted_texts(index, Reader(src), view.corpus)
    redactor = Redactor.of(secrets, redacted, scrub)
    points: dict[str, list[Point]] = defaultdict(list)
    for list_id, point in walk(index, models(src, index, work_tree), Seen(view, redactor, process)):
        points[list_id].append(point)
    return Releases(_assembled(view, points))


def present_only(view: PublicView, note: str) -> Releases:
    """One release per public process: its present state, dated by the build's date."""
    return Releases(_assembled(view, {}), note)


def _assembled(view: PublicView, points: dict[str, list[Point]]) -> dict[str, list[dict[str, Any]]]:
    """The releases of every public list; the present state ends each one's series."""
    program = view.program
    assert program is not None, "open data needs records/program.yaml"
    out = {}
    for lst in view.lists:
        now = process(view, lst)
        found = [*points.get(lst.id, []), (f"{lst.id}-{digest(now)}", date_time(view.as_of), now)]
        out[lst.id] = releases(ocid(program, lst.id), found)
    return out


def digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()[:12]


def releases(process_id: str, points: Iterable[Point]) -> list[dict[str, Any]]:
    """A process's releases from its points (oldest first): a release for each point whose
    content differs from the one before. Dates never go back (OCDS orders releases by date)."""
    out: list[dict[str, Any]] = []
    before: dict[str, Any] | None = None
    for release_id, date, content in points:
        if content == before:
            continue
        date = max(date, out[-1]["date"]) if out else date
        body = removals(before, content) if before is not None else content
        out.append({"ocid": process_id, "id": release_id, "date": date, "tag": tags(before, content), **body})
        before = content
    return out


def removals(before: Any, after: Any) -> Any:
    """``after`` with ``null`` for every field ``before`` has and ``after`` lacks, inside objects
    and inside the entries of lists that both have under one ``id``."""
    if isinstance(before, dict) and isinstance(after, dict):
        out = {k: removals(before[k], v) if k in before else v for k, v in after.items()}
        out.update({k: _nulls(v) for k, v in before.items() if k not in after and not isinstance(v, list)})
        return out
    if isinstance(before, list) and isinstance(after, list) and all(isinstance(v, dict) and "id" in v for v in before + after):
        earlier = {v["id"]: v for v in before}
        return [removals(earlier[v["id"]], v) if v["id"] in earlier else v for v in after]
    return after


def _nulls(value: Any) -> Any:
    """A removed value as merging removes it: every field of an object set to null."""
    if isinstance(value, dict):
        return {k: _nulls(v) for k, v in value.items() if not isinstance(v, list)}
    return None


def tags(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """The release tags (releaseTag codelist) of a release that brings ``after`` after ``before``."""
    found = {"tender"} if before is None else _changes(before, after)
    found |= _new_parts("awards", "award", before, after) | _new_parts("contracts", "contract", before, after)
    if set(_entries(after)) - set(_entries(before or {})):
        found.add("implementation")
    return [t for t in TAG_ORDER if t in found] or ["tenderUpdate"]


def _changes(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    found = set()
    old, new = before["tender"], after["tender"]
    if new.get("status") == "cancelled" != old.get("status"):
        found.add("tenderCancellation")
    if len(new.get("amendments", [])) > len(old.get("amendments", [])):
        found.add("tenderAmendment")
    elif new != old and "tenderCancellation" not in found:
        found.add("tenderUpdate")
    if before.get("planning") != after.get("planning"):
        found.add("planningUpdate")
    found |= _updated("awards", "award", before, after) | _updated("contracts", "contract", before, after)
    old_entries = _entries(before)
    if any(key in old_entries and old_entries[key] != entry for key, entry in _entries(after).items()):
        found.add("implementationUpdate")
    return found


def _by_id(release: dict[str, Any], part: str) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in release.get(part, [])}


def _new_parts(part: str, tag: str, before: dict[str, Any] | None, after: dict[str, Any]) -> set[str]:
    return {tag} if set(_by_id(after, part)) - set(_by_id(before or {}, part)) else set()


def _updated(part: str, tag: str, before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    """awardUpdate / contractUpdate for an entry that changed (implementation aside); a status
    that ends it: awardCancellation, contractTermination."""
    old, found = _by_id(before, part), set()
    for item_id, item in _by_id(after, part).items():
        was = old.get(item_id)
        if was is None or _without(was, "implementation") == _without(item, "implementation"):
            continue
        ended = item.get("status") != was.get("status") and item.get("status") in ("cancelled", "unsuccessful", "terminated")
        found.add({"award": "awardCancellation", "contract": "contractTermination"}[tag] if ended else f"{tag}Update")
    return found


def _without(item: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != key}


def _entries(release: dict[str, Any]) -> dict[tuple[str, str, str], Any]:
    """Every transaction and milestone of the contracts' implementation, by (contract, kind, id)."""
    found = {}
    for c in release.get("contracts", []):
        for kind, entries in c.get("implementation", {}).items():
            found.update({(c["id"], kind, e["id"]): e for e in entries})
    return found
