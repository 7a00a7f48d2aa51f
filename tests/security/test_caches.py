"""Attacks on the cache of ``validate --base``: a cache never runs code and never hides a
finding of what a change touches (SPEC §7, fail closed).

Each attack plants the strongest lie a cache can tell: valid rows, written with the
running code's fingerprint, saying that every file of the work tree is clean and every
component has no finding.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.changes import validate_change
from generator.records.cache import ChangeCache, blob_id, cache_dir, component_key
from generator.records.files import check_file, iter_record_files, read_files
from generator.records.graph import Entry, components
from generator.records.partition import Partition
from tests.conftest import apply_edits, change_repo, git

TODAY = dt.date(2025, 1, 6)
BID = "records/bids/B-2024-002.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The base records on main, a branch ``change`` checked out, the cache at its default place."""
    monkeypatch.delenv("JIEBANG_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return change_repo(tmp_path / "repo")


def poison(directory: Path, root: Path) -> None:
    """A cache saying that every file of ``root``'s work tree is clean (each entry without
    its findings), every component too, and that the base branch's tree is the work tree."""
    entries = []
    for path, raw in read_files(root, iter_record_files(root)):
        assert isinstance(raw, bytes)
        e = Entry.of(check_file(path, raw), blob_id(raw))
        entries.append(e._replace(diagnostics=()))
    programs = [e for e in entries if e.is_program]
    groups = components(entries)
    with ChangeCache(directory) as cache:
        cache.add(entries)
        for group in [[], *groups]:
            cache.add_findings(component_key(group, programs), [])
        tree = git(root, "rev-parse", "main:records").strip()
        Partition.store(cache, tree, [(component_key(g, programs), g) for g in groups], programs)


def bad_change(root: Path) -> None:
    """A bid asking for more than its list offers (F002) and a need that no longer parses (S001)."""
    apply_edits(
        root,
        edit={BID: [["requested_cny: 90000", "requested_cny: 150000"]], "records/needs/N-2024-001.yaml": [["problem: ", "problem: ["]]},
    )


def found(root: Path) -> list[tuple[str, str]]:
    return [(d.rule, d.path) for d in validate_change(root, "main", today=TODAY).sorted() if d.rule in ("F002", "S001")]


EXPECTED = [("S001", "records/needs/N-2024-001.yaml"), ("F002", BID)]


def test_a_cache_committed_in_the_work_tree_is_never_read(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad_change(repo)
    poison(repo / ".jiebang-cache", repo)
    git(repo, "add", "-A", "-f")
    git(repo, "commit", "-q", "-m", "A change that brings its own cache")
    assert sorted(found(repo)) == sorted(EXPECTED)
    for inside in (".jiebang-cache", str(repo / ".jiebang-cache")):  # even when JIEBANG_CACHE names it
        monkeypatch.chdir(repo)
        monkeypatch.setenv("JIEBANG_CACHE", inside)
        assert sorted(found(repo)) == sorted(EXPECTED)


def test_a_cache_planted_where_the_cache_lives_cannot_hide_what_a_change_touches(repo: Path) -> None:
    bad_change(repo)
    directory = cache_dir(repo)
    assert directory is not None
    poison(directory, repo)
    assert sorted(found(repo)) == sorted(EXPECTED)  # in the work tree
    git(repo, "commit", "-q", "-am", "The bad change")
    assert sorted(found(repo)) == sorted(EXPECTED)  # committed on the branch
