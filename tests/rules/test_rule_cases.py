"""Data-driven rule tests: one YAML case file per rule under ``cases/``.

Each case edits the base record set (tests/fixtures/base) and lists the findings of
that rule it must give as ``path:line:column`` (``[]`` for a passing case), at the rule's level.

A change rule's case compares two record sets: the base fixture with the case's
``base`` edits (``edit``/``write``/``delete``, optional) is the base revision, and the
same with the case's own edits on top is the head; the rule runs as of ``today`` (the
file's, or 2025-01-06). ``tests/changes/`` runs the change rules on git repositories.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.diagnostics import Diagnostic, Report
from generator.records.tree import load_tree
from generator.rules.base import catalogue, run_change_rules
from generator.validate import validate
from tests.conftest import apply_edits, make_records

TODAY = dt.date(2025, 1, 6)

CASES_DIR = Path(__file__).parent / "cases"


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["rule"] == path.stem, f"{path.name} names rule {data['rule']}"
    return data


def _cases() -> list[Any]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = _load(path)
        for case in data["cases"]:
            out.append(pytest.param(data["rule"], case, id=f"{data['rule']}: {case['name']}"))
    return out


def _change_findings(case: dict[str, Any], tmp_path: Path) -> list[Diagnostic]:
    before = case.get("base", {})
    base = make_records(tmp_path / "base", before.get("edit"), before.get("write"), before.get("delete", ()))
    head = make_records(tmp_path / "head", before.get("edit"), before.get("write"), before.get("delete", ()))
    apply_edits(head, case.get("edit"), case.get("write"), case.get("delete", ()))
    report = Report()
    report.extend(run_change_rules(load_tree(base).corpus, load_tree(head).corpus, case.get("today", TODAY)))
    return report.sorted()


@pytest.mark.parametrize(("rule_id", "case"), _cases())
def test_rule_case(rule_id: str, case: dict[str, Any], tmp_path: Path) -> None:
    if rule_id.startswith("C"):
        found = _change_findings(case, tmp_path)
    else:
        root = make_records(tmp_path / "repo", edit=case.get("edit"), write=case.get("write"), delete=case.get("delete", ()))
        found = validate(root).sorted()
    got = [d for d in found if d.rule == rule_id]
    assert [f"{d.path}:{d.line}:{d.column}" for d in got] == case["expect"], [str(d) for d in got]
    level = next(r.level for r in catalogue() if r.id == rule_id)
    assert all(d.level == level for d in got), [str(d) for d in got]
    for expected, d in zip(case.get("messages", []), got, strict=False):
        assert d.message == expected


def test_every_rule_has_a_passing_and_a_failing_case() -> None:
    files = {p.stem: _load(p) for p in CASES_DIR.glob("*.yaml")}
    missing = []
    for rule in catalogue():
        cases = files.get(rule.id, {}).get("cases", [])
        if not any(c["expect"] == [] for c in cases) or not any(c["expect"] for c in cases):
            missing.append(rule.id)
    assert not missing, f"rules without a passing and a failing case: {missing}"


def test_base_fixture_is_clean() -> None:
    root = Path(__file__).parent.parent / "fixtures" / "base"
    report = validate(root)
    assert report.sorted() == []
