"""The rules run on each component of the reference graph give exactly what they give
on the whole record set: what lets ``validate --base`` check only what a change reaches.
Checked on every rule case (each breaks a rule on purpose) and on the demo programme."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.records.cache import blob_id
from generator.records.files import FileResult, check_file, iter_record_files, read_files
from generator.records.graph import Entry, components
from generator.records.tree import corpus_of, load_tree
from generator.rules.base import run_rules
from tests.conftest import apply_edits, make_records
from tests.rules.test_rule_cases import _cases

DEMO = Path(__file__).parents[2]


def by_component(root: Path) -> tuple[list[dict[str, object]], int]:
    results: dict[str, FileResult] = {}
    entries = []
    for path, raw in read_files(root, iter_record_files(root)):
        results[path] = check_file(path, raw)
        entries.append(Entry.of(results[path], blob_id(raw) if isinstance(raw, bytes) else ""))
    programs = [results[e.path] for e in entries if e.is_program]
    found = set()
    groups = components(entries)
    for group in [[], *groups]:
        found.update(run_rules(corpus_of([*(results[e.path] for e in group), *programs])))
    return sorted((d.as_json() for d in found), key=str), len(groups)


def whole(root: Path) -> list[dict[str, object]]:
    return sorted((d.as_json() for d in set(run_rules(load_tree(root).corpus))), key=str)


@pytest.mark.parametrize(("rule_id", "case"), _cases())
def test_each_component_alone_gives_what_the_whole_set_gives(rule_id: str, case: dict[str, Any], tmp_path: Path) -> None:
    before = case.get("base", {})  # a change rule's case: the base revision's edits come first
    root = make_records(tmp_path / "repo", before.get("edit"), before.get("write"), before.get("delete", ()))
    apply_edits(root, case.get("edit"), case.get("write"), case.get("delete", ()))
    assert by_component(root)[0] == whole(root)


def test_the_demo_programme_by_component() -> None:
    found, groups = by_component(DEMO)
    assert groups > 5 and found == whole(DEMO) == []


def test_a_reference_joins_two_components_and_a_missing_target_is_a_node() -> None:
    def entry(path: str, node: str, *refs: str) -> Entry:
        return Entry(path, "", node, "bid", refs, ())

    a, b, c, d = entry("a", "A", "X"), entry("b", "B"), entry("c", "C", "B"), entry("d", "D", "X")
    program = Entry("p", "", "shapingba", "program", (), ())
    assert [[e.path for e in g] for g in components([a, b, c, d, program])] == [["a", "d"], ["b", "c"]]
