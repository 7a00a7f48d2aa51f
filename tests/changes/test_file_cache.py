"""The on-disk cache of ``validate --base``: a hit equals a fresh check, anything doubtful is a
miss, it lives outside the records repository, and a run always lets go of it."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from generator.diagnostics import ERROR, Diagnostic
from generator.records import cache as cache_module
from generator.records.cache import ChangeCache, blob_id, cache_dir, component_key
from generator.records.files import check_file
from generator.records.graph import Entry
from generator.records.partition import Partition
from generator.records.tree import load_tree
from generator.rules.base import run_rules
from tests.conftest import BASE

LIST = "records/lists/L-2024-001.yaml"


def entry(blob: str = "a" * 40, path: str = LIST) -> Entry:
    return Entry(path, blob, "L-2024-001", "list", ("N-2024-001",), ())


def test_blob_id_is_gits() -> None:
    assert blob_id(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"  # git hash-object


def test_an_entry_and_a_components_findings_come_back_as_they_were_stored(tmp_path: Path) -> None:
    raw = (BASE / LIST).read_bytes()
    stored = Entry.of(check_file(LIST, raw), blob_id(raw))
    assert (stored.node, stored.kind, stored.refs) == ("L-2024-001", "list", ("N-2024-001", "R-2024-001", "C-2024-01"))
    findings = [*run_rules(load_tree(BASE.parent / "base").corpus), Diagnostic(LIST, 3, 1, "F001", ERROR, "资助超限。", "L-2024-001")]
    with ChangeCache(tmp_path) as cache:
        cache.add([stored])
        cache.add_findings("k", findings)
    with ChangeCache(tmp_path) as again:
        assert again.on_disk
        assert again.entries([(LIST, stored.blob)]) == {(LIST, stored.blob): stored}
        assert again.findings(["k", "other"]) == {"k": tuple(findings)}
        assert [d.message for d in again.findings(["k"])["k"]] == [d.message for d in findings]
        assert again.entries([(LIST, "0" * 40)]) == {}


def test_a_broken_files_findings_are_kept_with_its_entry(tmp_path: Path) -> None:
    raw = b"kind: list\nid: L-2024-001\ntitle: [\n"
    broken = Entry.of(check_file(LIST, raw), blob_id(raw))
    assert (broken.node, broken.kind, [d.rule for d in broken.diagnostics]) == ("L-2024-001", None, ["S001"])
    with ChangeCache(tmp_path) as cache:
        cache.add([broken])
    with ChangeCache(tmp_path) as cache:
        hit = cache.entries([(LIST, broken.blob)])[(LIST, broken.blob)]
    assert [d.as_json() for d in hit.diagnostics] == [d.as_json() for d in broken.diagnostics]


def test_a_damaged_or_foreign_cache_is_started_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "LOCK_WAIT", 5.0)  # a run that is still holding the cache would show as a wait
    started = time.monotonic()
    (tmp_path / "changes.sqlite").write_bytes(b"not a database at all" * 100)
    with ChangeCache(tmp_path) as cache:
        assert cache.on_disk  # the damaged file was replaced, not worked around in memory
        cache.add([entry()])
    with ChangeCache(tmp_path) as cache:
        assert cache.on_disk and cache.entries([(LIST, "a" * 40)]) != {}
    monkeypatch.setattr(cache_module, "fingerprint", lambda: "other code")
    with ChangeCache(tmp_path) as cache:
        assert cache.on_disk and cache.entries([(LIST, "a" * 40)]) == {}  # written by other code: started afresh
    db = sqlite3.connect(tmp_path / "changes.sqlite")
    db.execute("DROP TABLE components")
    db.execute("CREATE TABLE stranger (x)")
    db.commit()
    db.close()
    with ChangeCache(tmp_path) as cache:
        assert cache.on_disk and cache.findings(["k"]) == {}  # of another layout: started afresh
    tables = {name for (name,) in sqlite3.connect(tmp_path / "changes.sqlite").execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"meta", "files", "components", "tree_files", "tree_nodes"}
    assert time.monotonic() - started < 5.0  # no run waited for a lock


def test_a_cache_held_by_another_run_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "LOCK_WAIT", 0.1)
    with ChangeCache(tmp_path) as first:
        first.add([entry("a" * 40)])
        with ChangeCache(tmp_path) as second:  # cannot take the lock: works in memory, as a cold run
            assert not second.on_disk
            second.add([entry("b" * 40)])
    stored = sqlite3.connect(tmp_path / "changes.sqlite").execute("SELECT blob FROM files").fetchall()
    assert stored == [("a" * 40,)]


def test_a_run_that_fails_keeps_nothing_and_lets_go_of_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "LOCK_WAIT", 0.1)
    with pytest.raises(RuntimeError), ChangeCache(tmp_path) as cache:
        cache.add([entry()])
        raise RuntimeError("interrupted")
    with ChangeCache(tmp_path) as cache:
        assert cache.on_disk  # the lock was released
        assert cache.entries([(LIST, "a" * 40)]) == {}


def test_rows_the_cache_did_not_write_are_misses(tmp_path: Path) -> None:
    with ChangeCache(tmp_path) as cache:
        cache.add([entry("a" * 40), entry("b" * 40), entry("c" * 40)])
        cache.add_findings("k1", [])
        cache.add_findings("k2", [])
    db = sqlite3.connect(tmp_path / "changes.sqlite")
    db.execute("UPDATE files SET diagnostics = ? WHERE blob = ?", ('[{"path": 1}]', "a" * 40))
    db.execute("UPDATE files SET refs = ? WHERE blob = ?", (b"\x80\x04", "b" * 40))  # bytes: not of the type written
    db.execute("UPDATE components SET findings = ? WHERE key = 'k1'", ("not json",))
    db.commit()
    db.close()
    with ChangeCache(tmp_path) as cache:
        got = cache.entries([(LIST, b * 40) for b in "abc"])
        assert list(got) == [(LIST, "c" * 40)]
        assert cache.findings(["k1", "k2"]) == {"k2": ()}


def test_entries_no_run_uses_are_dropped_once_they_outnumber_the_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "SLACK", 1)
    files = [(f"records/needs/N-2024-{i:03d}.yaml", f"{i:040x}") for i in range(1100)]
    with ChangeCache(tmp_path) as cache:
        cache.add([entry(blob, path) for path, blob in files])
    with ChangeCache(tmp_path) as cache:
        cache.entries(files[:10])
    with ChangeCache(tmp_path) as cache:
        assert sorted(cache.entries(files)) == files[:10]


def test_a_components_key_follows_its_files_and_the_programme() -> None:
    def entry(path: str, blob: str) -> Entry:
        return Entry(path, blob, "x", "need", (), ())

    files, program = [entry("records/needs/N-1.yaml", "a")], [entry("records/program.yaml", "p")]
    key = component_key(files, program)
    assert key == component_key(list(files), list(program))
    assert key != component_key([entry("records/needs/N-1.yaml", "b")], program)
    assert key != component_key(files, [entry("records/program.yaml", "q")])
    assert key != component_key([entry("records/needs/N-2.yaml", "a")], program)


def test_the_cache_lives_outside_the_records_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.delenv("JIEBANG_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    default = cache_dir(root)
    assert default is not None and default.parent == tmp_path / "xdg" / "jiebang"
    assert cache_dir(tmp_path / "other") != default  # one per repository
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / ".cache"))
    assert cache_dir(root) is None  # inside the work tree: refused
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir(root) == tmp_path / "home" / ".cache" / "jiebang" / default.name
    monkeypatch.setenv("JIEBANG_CACHE", str(tmp_path / "elsewhere"))
    assert cache_dir(root) == tmp_path / "elsewhere"
    for inside in (".jiebang-cache", str(root / ".jiebang-cache"), str(root)):
        monkeypatch.chdir(root)
        monkeypatch.setenv("JIEBANG_CACHE", inside)
        assert cache_dir(root) is None
    monkeypatch.setenv("JIEBANG_CACHE", "off")
    assert cache_dir(root) is None


def test_the_cache_holds_data_only(tmp_path: Path) -> None:
    """Every value is text or null (JSON where it has structure): nothing a reader could run."""
    raw = (BASE / LIST).read_bytes()
    with ChangeCache(tmp_path) as cache:
        stored = Entry.of(check_file(LIST, raw), blob_id(raw))
        cache.add([stored])
        cache.add_findings("k", [Diagnostic(LIST, 3, 1, "F001", ERROR, "资助超限。", "L-2024-001")])
        Partition.store(cache, "t" * 40, [("k", [stored._replace(diagnostics=(Diagnostic(LIST, 1, 1, "S003", ERROR, "x"),))])], [])
    db = sqlite3.connect(tmp_path / "changes.sqlite")
    tables = (
        ("files", "path, blob, node, kind, refs, diagnostics"),
        ("components", "key, findings"),
        ("meta", "key, value"),
        ("tree_files", "tree, path, blob, component, kind, diagnostics"),
        ("tree_nodes", "tree, node, component"),
    )
    for table, columns in tables:
        types = {t for row in db.execute(f"SELECT {', '.join(f'typeof({c})' for c in columns.split(', '))} FROM {table}") for t in row}
        assert types <= {"text", "null"}, table
    assert "pickle" not in Path(cache_module.__file__).read_text(encoding="utf-8")


def test_a_trees_partition_answers_what_a_change_touches_and_the_rest_at_once(tmp_path: Path) -> None:
    def entry(path: str, node: str, *refs: str, kind: str = "bid", broken: bool = False) -> Entry:
        found = (Diagnostic(path, 1, 1, "S003", ERROR, "类型不符。"),) if broken else ()
        return Entry(path, node.lower() * 4, node, None if broken else kind, refs, found)

    program = entry("records/program.yaml", "P", kind="program")
    a, b, c = entry("a.yaml", "A", "B"), entry("b.yaml", "B", broken=True), entry("c.yaml", "C")
    with ChangeCache(tmp_path) as cache:
        Partition.store(cache, "t1", [("ab", [a, b]), ("c", [c])], [program])
    with ChangeCache(tmp_path) as cache:
        part = Partition(cache, "t1")
        assert part.exists() and not Partition(cache, "t2").exists()
        assert part.components_of_paths(["a.yaml", "records/program.yaml", "z.yaml"]) == {"a.yaml": "ab", "records/program.yaml": ""}
        assert part.components_of_nodes(["B", "C", "X"]) == {"B": "ab", "C": "c"}
        assert part.files_of(["ab"]) == {"a.yaml": "aaaa", "b.yaml": "bbbb"} and part.grouped(["c"]) == {"c": {"c.yaml": "cccc"}}
        rest = part.rest(["c"], ["a.yaml"])
        assert (rest.components, [d.rule for d in rest.diagnostics], rest.files, rest.records) == (["ab"], ["S003"], 1, 0)
        whole = part.rest([], [])
        assert (sorted(whole.components), whole.files, whole.records) == (["ab", "c"], 3, 2)  # the programme file is never in the rest


def test_only_the_partitions_of_the_trees_used_last_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "KEEP_TREES", 2)
    for tree in ("t1", "t2", "t3"):
        with ChangeCache(tmp_path) as cache:
            Partition.store(cache, tree, [("k", [entry()])], [])
    with ChangeCache(tmp_path) as cache:
        assert [Partition(cache, t).exists() for t in ("t1", "t2", "t3")] == [False, True, True]
