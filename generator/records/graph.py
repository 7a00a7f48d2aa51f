"""Which records can change each other's findings: the components of the reference graph.

Every corpus rule joins records only along references (``models.refs.references``:
a bid to its list, a review to its subject and its selected bids, a project to its
list, bid and review, …), by id, in either direction, and reads the programme's
policy. So the findings on a record depend only on the records it is connected to,
however indirectly, plus ``program.yaml``: the rules run on one component at a time
give exactly the findings they give on the whole set (``tests/test_graph.py`` checks
this on every rule case). ``validate --base`` uses it to check again only the part of
a national record set that a change touches.

Nodes are record ids; a file that has no record (it failed to parse or validate) is
the node of its file name, which is the id references to it use. Two files with the
same id are one node (R002 compares them). Programme records are not nodes: every
component reads them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from generator.diagnostics import Diagnostic
from generator.models.refs import references
from generator.records.files import FileResult

PROGRAM = "program"


class Entry(NamedTuple):
    """What the graph and the report need of one checked file, without its record
    (a tuple: a national set restores ~10⁵ of them from the cache)."""

    path: str
    blob: str  # git blob id of the file's bytes
    node: str  # the record's id, or the file's stem when it has no record
    kind: str | None  # None when the file has no record
    refs: tuple[str, ...]  # ids the record refers to
    diagnostics: tuple[Diagnostic, ...]  # findings of parsing, schema and model

    @classmethod
    def of(cls, result: FileResult, blob: str) -> Entry:  # type: ignore[misc]
        rec = result.record
        if rec is None:
            return cls(result.path, blob, result.stem, None, (), result.diagnostics)
        refs = tuple(dict.fromkeys(target for _, target, _ in references(rec)))
        return cls(result.path, blob, rec.id, rec.kind, refs, result.diagnostics)

    @property
    def is_program(self) -> bool:
        return self.kind == PROGRAM


def components(entries: Iterable[Entry]) -> list[list[Entry]]:
    """The entries grouped by connected component (programme records left out), each
    group in path order, groups in order of their first path."""
    parent: dict[str, str] = {}
    get = parent.get

    def find(node: str) -> str:
        root = node
        while (up := parent[root]) != root:
            root = up
        while (up := parent[node]) != root:  # path compression
            parent[node] = root
            node = up
        return root

    members = [e for e in entries if e.kind != PROGRAM]
    for e in members:
        here = get(e.node)
        if here is None:
            here = parent[e.node] = e.node
        elif here != e.node or parent[here] != here:
            here = find(here)
        for target in e.refs:
            up = get(target)
            if up is None:  # a node seen for the first time: no search needed
                parent[target] = here
            elif up != here and (there := find(up)) != here:
                parent[there] = here
    groups: dict[str, list[Entry]] = defaultdict(list)
    for e in sorted(members, key=_path):
        groups[find(e.node)].append(e)
    return list(groups.values())


def _path(e: Entry) -> str:
    return e.path
