"""The on-disk cache of checked files: a hit equals a fresh check, anything doubtful is a miss."""

from __future__ import annotations

import json
from pathlib import Path

from generator.records.cache import FileCache, blob_id, fingerprint
from generator.records.files import check_file
from tests.conftest import BASE

LIST = "records/lists/L-2024-001.yaml"


def test_blob_id_is_gits() -> None:
    assert blob_id(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"  # git hash-object


def test_a_hit_restores_the_record_and_its_position_on_demand(tmp_path: Path) -> None:
    raw = (BASE / LIST).read_bytes()
    key = (LIST, blob_id(raw))
    fresh = check_file(LIST, raw)
    cache = FileCache(tmp_path, lambda p, s: raw)
    cache[key] = fresh
    cache.save()
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    again = FileCache(tmp_path, lambda p, s: raw)
    hit = again[key]
    assert again.hits == 1 and hit.record is not None and fresh.record is not None
    assert hit.record.model_dump() == fresh.record.model_dump()
    assert hit.record.source is not None and hit.record.source.path == LIST
    assert hit.record.source.node is not None and hit.record.source.node.start_mark.line == 0


def test_findings_are_cached_with_the_result(tmp_path: Path) -> None:
    raw = b"kind: list\nid: L-2024-001\ntitle: [\n"
    cache = FileCache(tmp_path, lambda p, s: raw)
    cache[(LIST, blob_id(raw))] = check_file(LIST, raw)
    cache.save()
    hit = FileCache(tmp_path, lambda p, s: raw)[(LIST, blob_id(raw))]
    assert hit.record is None and [(d.rule, d.line) for d in hit.diagnostics] == [
        (d.rule, d.line) for d in check_file(LIST, raw).diagnostics
    ]


def test_a_damaged_or_foreign_cache_is_a_miss(tmp_path: Path) -> None:
    raw = (BASE / LIST).read_bytes()
    key = (LIST, blob_id(raw))
    cache_file = tmp_path / f"files-{fingerprint()}.json"
    cache_file.write_text("{not json", encoding="utf-8")
    assert key not in FileCache(tmp_path, lambda p, s: raw)
    entry = {"kind": "list", "record": {"kind": "list", "id": "L-2024-001"}, "diagnostics": []}  # no longer a valid record
    cache_file.write_text(json.dumps({"fingerprint": fingerprint(), "entries": {f"{LIST}\t{key[1]}": entry}}), encoding="utf-8")
    assert key not in FileCache(tmp_path, lambda p, s: raw)
    cache_file.write_text(json.dumps({"fingerprint": "other code", "entries": {f"{LIST}\t{key[1]}": entry}}), encoding="utf-8")
    assert len(FileCache(tmp_path, lambda p, s: raw)) == 0
