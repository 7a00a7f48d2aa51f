"""The loader's fast paths give exactly what the full path gives.

``parse`` builds plain documents in one pass and keeps no node tree for them (it is
composed again when a position is needed); ``check_files`` spreads big sets over
worker processes. Neither may change a single value, finding or position.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.records import files, scalars
from generator.records.files import check_file, iter_record_files, model, read_files, shape
from generator.records.load import _check_tree, _Constructor, _Loader, compose, parse
from generator.records.locate import locate
from tests.conftest import BASE, make_records

P = "records/lists/L-2024-001.yaml"


def full_path(text: str) -> object:
    """What the loader gave before the fast path: checks, then the safe constructor."""
    node = yaml.compose(text, Loader=_Loader)
    assert node is not None and not _check_tree(P, node)
    return _Constructor().construct_document(node)


def test_every_base_record_parses_the_same_on_both_paths() -> None:
    for path in iter_record_files(BASE):
        raw = (BASE / path).read_bytes()
        doc, problems = parse(path, raw)
        assert doc is not None and not problems and doc.plain
        assert doc.data == full_path(raw.decode("utf-8"))
        assert repr(compose(raw)) == repr(doc.node)  # the tree composed again is the same tree


SCALARS = ["a", "0", "017", "0x1F", "1_000", "1:30", "-3", "1.5", ".inf", "true", "No", "~", "null", "", "2024-06-30", "2024-06-31"]
SCALARS += ["2024-06-30T10:00:00+08:00", "'x'", '"2024-06-30"', "!!str 12", "!!int 7", "!!float 1", "!!bool yes", "!!null x", "榜单"]
KEYS = ["a", "b", "1", "01", "true", "<<", "2024-06-30"]


def yaml_doc(draw: st.DrawFn, depth: int = 0) -> str:
    kind = draw(st.sampled_from(["scalar", "map", "seq"] if depth < 3 else ["scalar"]))
    if kind == "scalar":
        return draw(st.sampled_from(SCALARS))
    items = draw(st.lists(st.integers(0, 1), max_size=4))
    if kind == "seq":
        return "[" + ", ".join(yaml_doc(draw, depth + 1) for _ in items) + "]"
    return "{" + ", ".join(f"{draw(st.sampled_from(KEYS))}: {yaml_doc(draw, depth + 1)}" for _ in items) + "}"


@settings(max_examples=500, deadline=None)
@given(st.composite(yaml_doc)())
def test_fast_path_equals_full_path(text: str) -> None:
    text = f"x: {text}\n"
    doc, problems = parse(P, text.encode("utf-8"))
    try:
        expected = full_path(text)
    except (AssertionError, yaml.YAMLError, ValueError, TypeError, KeyError):
        assert doc is None or not doc.plain
        return
    if doc is not None:
        assert doc.data == expected and type(doc.data["x"]) is type(expected["x"])  # type: ignore[index]
        assert problems == scalars.findings(P, yaml.compose(text, Loader=_Loader))  # S008 as the full path finds it
        assert not (problems and doc.plain)


def test_positions_from_a_composed_again_tree() -> None:
    path = "records/bids/B-2024-001.yaml"
    raw = (BASE / path).read_bytes()
    doc, kind = shape(path, raw)  # type: ignore[misc]
    clean = model(path, raw, kind, doc.data, None, True)
    assert clean.record is not None and clean.record.source is not None
    assert locate(clean.record.source.node, ("lead", "credit_code")) == (6, 38)
    broken = model(path, raw, kind, {**doc.data, "requested_cny": "十万"}, None, True)  # a model-stage error, placed without a kept tree
    assert [(d.rule, d.line, d.column) for d in broken.diagnostics] == [("S003", 11, 1)]


def test_worker_processes_give_the_same_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_records(
        tmp_path / "repo",
        edit={"records/lists/L-2024-001.yaml": [["grade: key", "grade: key\ngrade: major"]]},
        write={"records/bids/B-2024-009.yaml": "kind: bid\nid: B-2024-009\nlist: L-2024-001\nlead: &u {name: x}\npartners: [*u]\n"},
    )
    items = list(read_files(root, iter_record_files(root)))
    serial = [check_file(path, raw) for path, raw in items]
    monkeypatch.setattr(files, "PARALLEL_MIN", 2)
    monkeypatch.setenv("JIEBANG_JOBS", "2")
    parallel = files.check_files(items)
    assert [(r.path, r.diagnostics, r.record.model_dump() if r.record else None) for r in parallel] == [
        (r.path, r.diagnostics, r.record.model_dump() if r.record else None) for r in serial
    ]
    assert any(r.diagnostics for r in serial) and any(r.record for r in serial)


def test_text_scans_see_what_walk_sees() -> None:
    from generator.models.common import texts, walk
    from generator.records.tree import load_tree
    from generator.rules.texts import record_texts

    corpus = load_tree(BASE).corpus
    assert [rec for rec, _ in record_texts(corpus)] == list(corpus)
    for rec, leaves in record_texts(corpus):
        strings = [(p, v) for p, v in walk(rec) if isinstance(v, str)]
        assert [((*parent, key), v) for parent, key, v in texts(rec)] == strings
        assert leaves == texts(rec)
    assert any(key == "credit_code" for _, leaves in record_texts(corpus) for _, key, _ in leaves)


def test_records_given_the_same_fields_share_one_fields_set() -> None:
    from generator.models import Bid

    path = "records/bids/B-2024-001.yaml"
    a = check_file(path, (BASE / path).read_bytes()).record
    b = check_file(path, (BASE / path).read_bytes()).record
    assert isinstance(a, Bid) and isinstance(b, Bid)
    assert a.model_fields_set is b.model_fields_set and a.lead.model_fields_set is b.lead.model_fields_set
    changed = a.model_copy(update={"status": "withdrawn"})
    assert changed.model_fields_set is not a.model_fields_set and b.model_fields_set == a.model_fields_set
    assert a.model_dump(exclude_unset=True) == b.model_dump(exclude_unset=True)


def test_a_small_set_leaves_the_garbage_collector_as_it_was() -> None:
    import gc

    from generator.validate import validate

    frozen, enabled = gc.get_freeze_count(), gc.isenabled()
    assert validate(BASE).sorted() == []
    assert (gc.get_freeze_count(), gc.isenabled()) == (frozen, enabled)
