"""The shipped demo programme: validates clean and exercises every kind and state."""

from __future__ import annotations

from generator.models import KINDS, SINGLE_FILES
from generator.models.listing import LIST_EDGES
from generator.models.review import RESULTS
from generator.records.tree import load_tree
from generator.validate import validate
from tests.conftest import REPO


def test_demo_records_validate_clean() -> None:
    report = validate(REPO)
    assert [f"{d.path}:{d.line}: {d.rule} {d.message}" for d in report.sorted()] == []
    assert report.records >= 90


def test_demo_covers_every_kind_and_state() -> None:
    corpus = load_tree(REPO).corpus
    assert {r.kind for r in corpus} == set(KINDS)
    list_states = {s for edge in LIST_EDGES for s in edge}
    assert {lst.status for lst in corpus.lists} == list_states
    assert any(lst.restricted for lst in corpus.lists)
    assert {r.type for r in corpus.reviews} == set(RESULTS)
    assert {p.status for p in corpus.projects} == {"in-progress", "succeeded", "failed", "terminated"}
    assert {n.status for n in corpus.needs} == {"submitted", "refined", "declined"}
    assert {b.status for b in corpus.bids} == {"submitted", "withdrawn"}
    assert any(b.partners for b in corpus.bids)
    assert {a.basis for a in corpus.awards} == {"agreement", "milestone", "acceptance"}
    assert len(corpus.calls) == 2
    failed = [p for p in corpus.projects if p.status == "failed"]
    assert failed and all(p.outcome and p.outcome.diligent and not p.outcome.credit_penalty for p in failed)


def test_every_shipped_record_has_its_schema_modeline() -> None:
    for path in sorted((REPO / "records").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        depth = len(path.relative_to(REPO).parts) - 1
        kind = SINGLE_FILES.get(path.name) if depth == 1 else None  # records/program.yaml, records/redactions.yaml
        expected_kind = kind or next(k for k in KINDS.values() if k.folder == path.relative_to(REPO / "records").parts[0]).name
        assert first == f"# yaml-language-server: $schema={'../' * depth}schemas/{expected_kind}.schema.json", path
