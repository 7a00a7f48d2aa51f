"""Harvesting: every programme's open data read, checked and turned into national rows,
in parallel and incrementally.

For each programme: fetch its ``records.json`` (a URL conditionally, with the ETag and
Last-Modified of the last fetch; a file; a records repository exported first, in this
process, since an export may use every core itself), digest it, and look the digest up
in the cache. Only content not seen before is checked against the open-data contract,
read into the national tables and given similarity signatures; the result is stored in
the cache by the worker that made it. A programme that cannot be fetched, or whose data
is not valid, is reported with the reason and left out; the others go on.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Literal

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from generator.federate import contract, model, similarity
from generator.federate.cache import HarvestCache, Validators, result_key
from generator.federate.config import Source
from generator.federate.sources import SourceFailed, export_repo, fetch_url, read_file
from generator.federate.tables import PROGRAMME_TABLES, SIGNATURES
from generator.parallel import parallel_map

State = Literal["new", "unchanged", "failed"]


@dataclass(frozen=True)
class Harvested:
    programme: str
    location: str
    state: State
    message: str = ""
    key: str | None = None  # the cached result (not failed)


def harvest(sources: tuple[Source, ...], cache: HarvestCache) -> list[Harvested]:
    """Every programme, in the order of ``federation.yaml``."""
    exported: dict[str, bytes | SourceFailed] = {}
    for source in sources:
        if source.kind == "repo" and source.path is not None:
            try:
                exported[source.programme] = export_repo(source.path)
            except SourceFailed as exc:
                exported[source.programme] = exc

    def one(source: Source) -> Harvested:
        try:
            return _harvest_one(source, cache, exported.get(source.programme))
        except SourceFailed as exc:
            return Harvested(source.programme, source.location, "failed", str(exc))
        except (pa.ArrowException, OverflowError) as exc:  # e.g. an amount beyond 64 bits, valid JSON all the same
            return Harvested(source.programme, source.location, "failed", f"方案 {source.programme} 的开放数据无法汇总：{exc}。")

    found = parallel_map(one, list(sources), min_items=2, chunk=1)
    cache.keep_only({h.key for h in found if h.key}, {s.location for s in sources if s.kind == "url"})
    return found


def _harvest_one(source: Source, cache: HarvestCache, exported: bytes | SourceFailed | None) -> Harvested:
    if isinstance(exported, SourceFailed):
        raise exported
    content, validators = _content(source, cache, exported)
    digest = validators.digest if content is None else hashlib.sha256(content).hexdigest()
    key = result_key(digest, source.programme)
    if content is None and not cache.has(key):  # unchanged upstream, but no result kept for it: fetch it whole
        content, validators = _content(source, cache, None, conditional=False)
        digest = hashlib.sha256(content or b"").hexdigest()
        key = result_key(digest, source.programme)
    if source.kind == "url":
        cache.remember(source.location, Validators(validators.etag, validators.last_modified, digest))
    if cache.has(key):
        return Harvested(source.programme, source.location, "unchanged", key=key)
    assert content is not None
    cache.store(key, process(content, source))
    return Harvested(source.programme, source.location, "new", key=key)


def _content(source: Source, cache: HarvestCache, exported: bytes | None, conditional: bool = True) -> tuple[bytes | None, Validators]:
    """The source's bytes (None: a URL unchanged since the last fetch) and its validators."""
    if source.kind == "url":
        known = cache.validators(source.location) if conditional else None
        fetched = fetch_url(source.location, known)
        digest = known.digest if fetched.content is None and known else ""
        return fetched.content, Validators(fetched.etag, fetched.last_modified, digest)
    assert source.path is not None
    content = exported if source.kind == "repo" and exported is not None else read_file(source.path)
    return content, Validators(None, None, "")


def process(content: bytes, source: Source) -> dict[str, bytes]:
    """The cached result of one programme: its summary, its tables and its lists' signatures."""
    where = f"方案 {source.programme} 的开放数据（{source.location}）"
    data = model.read(contract.checked(content, where), source.programme, where)
    rows = model.rows(data, source.location)
    parts = {t.name: parquet(t.table(rows[t.name])) for t in PROGRAMME_TABLES}
    sigs = similarity.signatures([similarity.words(lst.title, lst.bottleneck, lst.indicators) for lst in data.lists])
    ids = [f"{source.programme}/{lst.id}" for lst in data.lists]
    parts["signatures"] = parquet(pa.table({"id": ids, "minhash": [similarity.to_bytes(s) for s in sigs]}, schema=SIGNATURES))
    parts["summary"] = orjson.dumps({"programme": source.programme, "as_of": data.as_of.isoformat(), "lists": len(ids)})
    return parts


def parquet(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def read_parquet(data: bytes, columns: list[str] | None = None) -> pa.Table:
    return pq.read_table(io.BytesIO(data), columns=columns)
