"""The on-disk cache of ``validate --base``: a hit equals a fresh check, anything doubtful is a miss."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from generator.diagnostics import ERROR, Diagnostic
from generator.records import cache as cache_module
from generator.records.cache import ChangeCache, Group, State, blob_id, component_key
from generator.records.files import check_file
from generator.records.graph import Entry
from generator.records.tree import load_tree
from generator.rules.base import run_rules
from tests.conftest import BASE

LIST = "records/lists/L-2024-001.yaml"


def test_blob_id_is_gits() -> None:
    assert blob_id(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"  # git hash-object


def test_an_entry_and_a_components_findings_come_back_as_they_were_stored(tmp_path: Path) -> None:
    raw = (BASE / LIST).read_bytes()
    checked = check_file(LIST, raw)
    entry = Entry.of(checked, blob_id(raw))
    assert (entry.node, entry.kind, entry.refs) == ("L-2024-001", "list", ("N-2024-001", "R-2024-001", "C-2024-01"))
    findings = [*run_rules(load_tree(BASE.parent / "base").corpus), Diagnostic(LIST, 3, 1, "F001", ERROR, "资助超限。", "L-2024-001")]
    cache = ChangeCache(tmp_path)
    cache.add([(entry, checked.record)])
    cache.add_findings("k", findings)
    cache.save()
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    again = ChangeCache(tmp_path)
    assert again.entries([(LIST, entry.blob)]) == {(LIST, entry.blob): entry}
    assert again.findings("k") == tuple(findings) and [d.message for d in again.findings("k") or ()] == [d.message for d in findings]
    assert again.entries([(LIST, "0" * 40)]) == {} and again.findings("other") is None
    record = again.records([(LIST, entry.blob)])[(LIST, entry.blob)]
    assert checked.record is not None and record.model_dump() == checked.record.model_dump()
    assert record.model_fields_set == checked.record.model_fields_set  # unset fields stay unset


def test_a_broken_files_findings_are_kept_with_its_entry(tmp_path: Path) -> None:
    raw = b"kind: list\nid: L-2024-001\ntitle: [\n"
    entry = Entry.of(check_file(LIST, raw), blob_id(raw))
    assert (entry.node, entry.kind, [d.rule for d in entry.diagnostics]) == ("L-2024-001", None, ["S001"])
    cache = ChangeCache(tmp_path)
    cache.add([(entry, None)])
    cache.save()
    hit = ChangeCache(tmp_path).entries([(LIST, entry.blob)])[(LIST, entry.blob)]
    assert [d.as_json() for d in hit.diagnostics] == [d.as_json() for d in entry.diagnostics]


def test_a_damaged_or_foreign_cache_is_started_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "changes.sqlite").write_bytes(b"not a database at all" * 100)
    cache = ChangeCache(tmp_path)
    cache.add([(Entry(LIST, "a" * 40, "L-2024-001", "list", (), ()), None)])
    cache.save()
    assert ChangeCache(tmp_path).entries([(LIST, "a" * 40)]) != {}
    monkeypatch.setattr(cache_module, "fingerprint", lambda: "other code")
    assert ChangeCache(tmp_path).entries([(LIST, "a" * 40)]) == {}


def test_a_cache_held_by_another_run_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "LOCK_WAIT", 0.1)
    first = ChangeCache(tmp_path)
    first.add([(Entry(LIST, "a" * 40, "L-2024-001", "list", (), ()), None)])
    second = ChangeCache(tmp_path)  # cannot take the lock: works in memory, as a cold run
    second.add([(Entry(LIST, "b" * 40, "L-2024-001", "list", (), ()), None)])
    second.save()
    first.save()
    stored = sqlite3.connect(tmp_path / "changes.sqlite").execute("SELECT blob FROM files").fetchall()
    assert stored == [("a" * 40,)]


def test_the_state_of_a_run_is_what_the_next_run_starts_from(tmp_path: Path) -> None:
    def entry(path: str, node: str, *refs: str, kind: str = "bid") -> Entry:
        return Entry(path, node.lower() * 4, node, kind, refs, ())

    broken = Diagnostic("b.yaml", 1, 1, "S001", ERROR, "无法解析。")
    program = entry("records/program.yaml", "P", kind="program")
    a, b = entry("a.yaml", "A", "B"), Entry("b.yaml", "bbbb", "B", None, (), (broken,))
    c = entry("c.yaml", "C")
    finding = Diagnostic("a.yaml", 2, 1, "R001", ERROR, "引用的记录不存在。")
    cache = ChangeCache(tmp_path)
    assert cache.state() is None
    cache.add_findings("ab", [finding])
    cache.add_findings("c", [])
    cache.replace({""}, [], [Group("ab", [a, b], (finding,)), Group("c", [c], ())], [program], State("abc123", frozenset({"c.yaml"})))
    cache.save()
    again = ChangeCache(tmp_path)
    assert again.state() == State("abc123", frozenset({"c.yaml"}))
    assert again.state_files(["a.yaml", "c.yaml", "z.yaml"]) == {"a.yaml": ("aaaa", "ab"), "c.yaml": ("cccc", "c")}
    assert again.components_of(["B", "X"]) == {"ab"} and again.all_components() == {"", "ab", "c"}
    assert again.files_of({"ab"}) == {"a.yaml": "aaaa", "b.yaml": "bbbb"}
    assert again.kept({""}) == ([broken, finding], 3, 2)  # the programme file is the run's own
    assert again.kept({"", "ab"}) == ([], 1, 1)


def test_a_components_key_follows_its_files_and_the_programme() -> None:
    def entry(path: str, blob: str) -> Entry:
        return Entry(path, blob, "x", "need", (), ())

    files, program = [entry("records/needs/N-1.yaml", "a")], [entry("records/program.yaml", "p")]
    key = component_key(files, program)
    assert key == component_key(list(files), list(program))
    assert key != component_key([entry("records/needs/N-1.yaml", "b")], program)
    assert key != component_key(files, [entry("records/program.yaml", "q")])
    assert key != component_key([entry("records/needs/N-2.yaml", "a")], program)
