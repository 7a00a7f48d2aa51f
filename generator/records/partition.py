"""The components of one git tree of records, kept in the change cache under the tree's id.

A git tree id names every record file of a revision and its content at once, so the
partition of that tree into components of the reference graph (``graph.components``)
is content-addressed like the cache's other entries: the same tree always has the same
partition. ``validate --base`` keeps the partition of its merge base's ``records/``
tree and asks it only about what a change touches — which components hold these paths
or these ids, which files a component has, and the rest of the tree in one query —
instead of reading an entry for every file of a national set on every run.

Rows (their tables are the cache's, ``records.cache``): ``tree_files`` (tree, path, blob
id, component key — "" for programme files, which belong to no component — and the
file's kind and own findings) and ``tree_nodes`` (tree, id, component key: every id a
component's records have or refer to).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from generator.diagnostics import Diagnostic
from generator.records.cache import ChangeCache, chunks, decode, encode
from generator.records.graph import Entry

PROGRAMS = ""  # the component "key" of programme files


@dataclass(frozen=True)
class Rest:
    """The files of a tree outside some components: what the cache says of them."""

    components: list[str]  # their component keys
    diagnostics: list[Diagnostic]  # the findings of their own (parse, schema, model)
    files: int
    records: int  # valid records among the files


class Partition:
    """The partition of tree ``tree`` as the cache holds it."""

    def __init__(self, cache: ChangeCache, tree: str) -> None:
        self.db, self.tree = cache.db, tree
        cache.use_tree(tree)

    @staticmethod
    def store(cache: ChangeCache, tree: str, groups: Iterable[tuple[str, list[Entry]]], programs: Iterable[Entry]) -> Partition:
        """Keep the partition of ``tree``: each component's key and files, and the programme files."""
        db = cache.db
        db.execute("DELETE FROM tree_files WHERE tree = ?", (tree,))
        db.execute("DELETE FROM tree_nodes WHERE tree = ?", (tree,))
        keyed = [(PROGRAMS, list(programs)), *groups]
        rows = ((tree, e.path, e.blob, key, e.kind, encode(e.diagnostics)) for key, members in keyed for e in members)
        db.executemany("INSERT OR REPLACE INTO tree_files VALUES (?, ?, ?, ?, ?, ?)", rows)
        nodes = {n: key for key, members in keyed[1:] for e in members for n in (e.node, *e.refs)}
        db.executemany("INSERT OR REPLACE INTO tree_nodes VALUES (?, ?, ?)", ((tree, n, k) for n, k in nodes.items()))
        return Partition(cache, tree)

    def exists(self) -> bool:
        return self.db.execute("SELECT 1 FROM tree_files WHERE tree = ? LIMIT 1", (self.tree,)).fetchone() is not None

    def components_of_paths(self, paths: Iterable[str]) -> dict[str, str]:
        """path → the key of its component, for these paths of the tree ("" for a programme file)."""
        return {path: key for path, key in self._lookup("SELECT path, component FROM tree_files WHERE tree = ? AND path IN ({})", paths)}

    def components_of_nodes(self, nodes: Iterable[str]) -> dict[str, str]:
        """id → the key of the component that has it or refers to it, for these ids."""
        return {node: key for node, key in self._lookup("SELECT node, component FROM tree_nodes WHERE tree = ? AND node IN ({})", nodes)}

    def files_of(self, components: Iterable[str]) -> dict[str, str]:
        """path → blob id of every file of these components."""
        return {
            path: blob for path, blob in self._lookup("SELECT path, blob FROM tree_files WHERE tree = ? AND component IN ({})", components)
        }

    def grouped(self, components: Iterable[str]) -> dict[str, dict[str, str]]:
        """component key → its files (path → blob id), for these components."""
        found: dict[str, dict[str, str]] = {}
        for key, path, blob in self._lookup(
            "SELECT component, path, blob FROM tree_files WHERE tree = ? AND component IN ({})", components
        ):
            found.setdefault(key, {})[path] = blob
        return found

    def rest(self, components: Iterable[str], paths: Iterable[str]) -> Rest:
        """The files of the tree outside these components and paths (programme files left
        out): their component keys, their own findings, and how many files and records."""
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS left_out (component TEXT, path TEXT)")
        db.execute("DELETE FROM left_out")
        db.executemany("INSERT INTO left_out VALUES (?, NULL)", ((c,) for c in {*components, PROGRAMS}))
        db.executemany("INSERT INTO left_out VALUES (NULL, ?)", ((p,) for p in set(paths)))
        outside = (
            "tree = ? AND component NOT IN (SELECT component FROM left_out WHERE component IS NOT NULL) "
            "AND path NOT IN (SELECT path FROM left_out WHERE path IS NOT NULL)"
        )
        keys = [k for (k,) in db.execute(f"SELECT DISTINCT component FROM tree_files WHERE {outside}", (self.tree,))]
        files, records = db.execute(f"SELECT count(*), count(kind) FROM tree_files WHERE {outside}", (self.tree,)).fetchone()
        texts = db.execute(f"SELECT diagnostics FROM tree_files WHERE {outside} AND diagnostics IS NOT NULL", (self.tree,))
        return Rest([k for k in keys if isinstance(k, str)], [d for (text,) in texts for d in _decoded(text)], files, records)

    def _lookup(self, sql: str, keys: Iterable[str]) -> list[tuple[str, ...]]:
        found: list[tuple[str, ...]] = []
        for chunk in chunks(sorted(set(keys))):
            rows = self.db.execute(sql.format(",".join("?" * len(chunk))), (self.tree, *chunk))
            found.extend(r for r in rows if all(isinstance(v, str) for v in r))  # a row of other types is not ours
        return found


def _decoded(text: object) -> tuple[Diagnostic, ...]:
    try:
        return decode(text)
    except (ValueError, TypeError):  # not written by this code
        return ()
