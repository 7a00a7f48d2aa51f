"""The national portal's search: the portal's search box over a Pagefind index of every list
and every programme (``generator.portal.search`` explains the index and the box).

The national portal has no page per list, so each list is a document of its own: its title,
end user, issuer, winning units, industry and “卡点”问题, with its id (``L-2024-001``, and
namespaced, ``shapingba/L-2024-001``). A result leads straight to the list's page on its own programme's
portal, as the title does in the national tables, and names the programme and province it
belongs to; a programme without a portal address leads to its programme page here. Each
programme is a document too, leading to its programme page. Documents are made one
programme at a time, so 10⁵ lists never sit in memory at once.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from generator.federate.corpus import National
from generator.portal import labels
from generator.portal.search import document, index_documents, spaced
from generator.urls import web_address

COLUMNS = ["id", "programme", "list_id", "title", "url", "province", "industry", "status", "end_user", "issuer", "bottleneck"]


def index(site: Path, national: National, names: Mapping[str, str]) -> int:
    """Write the search index into ``site/pagefind/``; ``names``: how pages name each
    programme. The number of documents indexed."""
    return index_documents(site, documents(national, names))


def documents(national: National, names: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    for programme in national.programmes:
        yield _programme(programme, names)
    for lists, winners in zip(national.parts("lists", COLUMNS), national.parts("winners", ["list", "lead"]), strict=True):
        won: dict[str, list[str]] = defaultdict(list)
        for winner in winners.to_pylist():
            won[winner["list"]].append(winner["lead"])
        for row in lists.to_pylist():
            yield _list(row, won.get(row["id"], []), names)


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
