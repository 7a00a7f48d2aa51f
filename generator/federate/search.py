"""The national portal's search: the portal's search box over a Pagefind index of every list
and every programme (``generator.portal.search`` explains the index and the box).

The national portal has no page per list, so each list is a document of its own: its title,
end user, issuer, winning units, industry and “卡点”问题, with its id (``L-2024-001``, and
namespaced, ``shapingba/L-2024-001``). A result leads straight to the list's page on its own programme's
portal, as the title does in the national tables, and names the programme and province it
belongs to; a programme without a portal address leads to its programme page here. Each
programme is a document too, leading to its programme page.

The index is written in shards of about ``SHARD_SIZE`` documents, whole programmes each:
Pagefind holds every document of a run in memory, so one index of 10⁵
lists would need gigabytes. The first shard is the bundle in ``pagefind/``, the others are
bundles in ``pagefind/shards/<n>/``, listed in ``pagefind/shards.json``; the search box merges
them into one search (Pagefind's ``mergeIndex``). A shard whose documents are unchanged is
copied from the cache instead of being indexed again, so a run where one programme changed
indexes one shard.
"""

from __future__ import annotations

import hashlib
import html
import json
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from generator.federate.cache import fingerprint
from generator.federate.corpus import National
from generator.portal import labels
from generator.portal.pagefind import BUNDLE
from generator.portal.search import document, index_documents, spaced
from generator.urls import web_address

COLUMNS = ["id", "programme", "list_id", "title", "url", "province", "industry", "status", "end_user", "issuer", "bottleneck"]


SHARD_SIZE = 5000  # documents per Pagefind run (benchmarks/README.md: its memory grows with them)
SHARDS = "shards.json"  # in the first bundle: the folders of the others, from the site's root

Document = tuple[str, str]


def index(site: Path, national: National, names: Mapping[str, str], cache: Path | None = None) -> int:
    """Write the search index into ``site/pagefind/``, in shards; ``names``: how pages name
    each programme; ``cache``: where shards are kept between runs (None: nowhere). The
    number of documents indexed."""
    count, others, kept = 0, [], set()
    for n, shard in enumerate(shards(national, names)):
        folder = f"{BUNDLE}/" if n == 0 else f"{BUNDLE}/shards/{n}/"
        kept.add(_indexed(shard, site / folder, cache))
        count += len(shard)
        if n:
            others.append(folder)
    (site / BUNDLE / SHARDS).write_text(json.dumps(others), encoding="utf-8")
    if cache is not None and cache.is_dir():
        for old in cache.iterdir():  # shards of earlier runs that this one did not use
            if old.name not in kept:
                shutil.rmtree(old, ignore_errors=True)
    return count


def shards(national: National, names: Mapping[str, str]) -> Iterator[list[Document]]:
    """The documents in shards of whole programmes, each of ``SHARD_SIZE`` or more documents
    but the last; the programmes' own documents lead the first."""
    shard = [_programme(programme, names) for programme in national.programmes]
    for lists, winners in zip(national.parts("lists", COLUMNS), national.parts("winners", ["list", "lead"]), strict=True):
        won: dict[str, list[str]] = defaultdict(list)
        for winner in winners.to_pylist():
            won[winner["list"]].append(winner["lead"])
        shard += (_list(row, won.get(row["id"], []), names) for row in lists.to_pylist())
        if len(shard) >= SHARD_SIZE:
            yield shard
            shard = []
    if shard:
        yield shard


def _indexed(shard: list[Document], bundle: Path, cache: Path | None) -> str:
    """Index ``shard`` into ``bundle``, or copy the bundle the cache holds for the same
    documents; the shard's key in the cache."""
    digest = hashlib.sha256(fingerprint().encode())
    for path, text in shard:
        digest.update(f"{path}\0{text}\0".encode())
    key = digest.hexdigest()
    kept = cache / key if cache is not None else None
    if kept is not None and kept.is_dir():
        shutil.copytree(kept, bundle, dirs_exist_ok=True)
        return key
    with tempfile.TemporaryDirectory(prefix="jiebang-shard-") as work:
        index_documents(Path(work), shard)
        made = Path(work) / BUNDLE
        shutil.copytree(made, bundle, dirs_exist_ok=True)
        if kept is not None:  # copied beside, then renamed: a killed run leaves no half shard
            part = kept.with_name(f".{key}.part")
            shutil.rmtree(part, ignore_errors=True)
            shutil.copytree(made, part)
            part.rename(kept)
    return key


def _programme(p: Mapping[str, Any], names: Mapping[str, str]) -> tuple[str, str]:
    pid = str(p["programme"])
    text = "；".join(str(v) for v in (p["issuer"], p["region"], p["province"]) if v)
    body = f"<h1>{_text(p['title'])}</h1><p>{_text(text)}</p>"
    meta = [("name", spaced(str(p["title"]))), ("units", spaced(str(p["issuer"]))), ("place", spaced(f"方案 · {names.get(pid, pid)}"))]
    return f"programmes/{pid}/index.html", document(body, meta)


def _list(row: Mapping[str, Any], winners: Sequence[str], names: Mapping[str, str]) -> tuple[str, str]:
    pid = str(row["programme"])
    units = list(dict.fromkeys(u for u in (row["end_user"], row["issuer"], *winners) if u))
    text = "；".join(str(v) for v in (row["industry"], *units, row["bottleneck"]) if v)
    body = f"<h1>{_text(row['title'])}</h1><p>{_text(text)}</p>"
    name = names.get(pid, pid)
    province = row["province"] if row["province"] and not name.startswith(row["province"]) else ""  # 重庆市沙坪坝区 names it
    place = " · ".join(v for v in (name, province, labels.LIST_STATUS.get(row["status"], row["status"])) if v)
    meta = [
        ("id", f"{row['list_id']} {row['id']}"),
        ("name", spaced(str(row["title"]))),
        ("units", spaced("；".join(units))),
        ("link", web_address(row["url"] or "") or f"programmes/{pid}/"),
        ("place", spaced(place)),
    ]
    return f"lists/{pid}/{row['list_id']}.html", document(body, meta)


def _text(value: Any) -> str:
    return html.escape(spaced(str(value or "")))
