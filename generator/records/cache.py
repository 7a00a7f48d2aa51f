"""The on-disk cache of ``validate --base``: checked files, component findings, and the
record set of the last run, so that the next run checks again only what differs.

Three things are kept, each exact by construction:

- ``files``: per (path, git blob id), the file's graph entry (``graph.Entry``: the
  record's id, the ids it refers to, the findings of parsing, schema and model).
  ``check_file`` is pure and a blob id names the bytes, so an entry equals a fresh check.
- ``components``: per ``component_key`` (a digest of the (path, blob id) of a
  component's files and of the programme files), the corpus rules' findings on it. The
  rules read nothing else (``graph``), so they equal a fresh run of the rules.
- the **state**: the work tree the last run checked — every file with its blob id, its
  node and its component, every node's component — and the commit it was compared
  with plus the paths where it differed from that commit. The next run asks git only
  which files differ from that commit, and loads just the components they reach.

Entries are valid only for the code and library versions that made them
(``fingerprint()``): a change to the models, the rules, the schemas or the holiday
calendar starts an empty cache. It is an SQLite database (standard library; no pickle,
so a restored cache never runs code) under ``.jiebang-cache/`` in the records
repository, which ignores itself. A run's changes are written in one transaction: an
interrupted run leaves the previous state; a damaged or foreign database is replaced;
a cache that cannot be written is skipped.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, Level
from generator.models import KINDS, Record
from generator.models.common import share_fields_sets
from generator.records.graph import Entry

CACHE_DIR = ".jiebang-cache"
CACHE_ENV = "JIEBANG_CACHE"  # a directory for the cache, or "off"; default <root>/.jiebang-cache
Key = tuple[str, str]  # (repo-relative path, git blob id)
_LIBRARIES = ("pydantic", "pydantic-core", "PyYAML", "jsonschema", "jsonschema-rs", "chinese-calendar")
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (path TEXT, blob TEXT, node TEXT NOT NULL, kind TEXT, refs TEXT NOT NULL, diagnostics TEXT, record TEXT,
                    PRIMARY KEY (path, blob)) WITHOUT ROWID;
CREATE TABLE components (key TEXT PRIMARY KEY, findings TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE state (path TEXT PRIMARY KEY, blob TEXT NOT NULL, kind TEXT, component TEXT NOT NULL, diagnostics TEXT) WITHOUT ROWID;
CREATE INDEX state_component ON state (component);
CREATE TABLE nodes (node TEXT PRIMARY KEY, component TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX nodes_component ON nodes (component);
"""
LOCK_WAIT = 30.0  # seconds to wait for another run on the same repository
_CHUNK = 900  # SQLite's limit on variables per statement is 999 in old builds


def cache_dir(root: Path) -> Path | None:
    """The folder jiebang keeps what it may reuse between runs in: ``JIEBANG_CACHE``
    (None when that says "off"), else ``<root>/.jiebang-cache``."""
    value = os.environ.get(CACHE_ENV)
    if value is None:
        return root / CACHE_DIR
    return None if value.strip().lower() in ("", "0", "off", "no", "false") else Path(value)


def prepare(directory: Path) -> bool:
    """Create the cache folder, ignored by git; False when it cannot be written."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        ignore = directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# jiebang's cache (checked record files, compiled templates); safe to delete.\n*\n", encoding="utf-8")
    except OSError:
        return False
    return True


def blob_id(raw: bytes) -> str:
    """The git blob id of these bytes (what ``git hash-object`` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).hexdigest()


@cache
def fingerprint() -> str:
    """A digest of everything a check's result depends on: this package's code and the
    versions of the libraries that parse, validate and count working days."""
    digest = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{name}={metadata.version(name)}\0".encode())
    return digest.hexdigest()[:16]


def component_key(files: Iterable[Entry], programs: Iterable[Entry]) -> str:
    """What a component's findings depend on: its files and the programme files, by content."""
    digest = hashlib.sha256()
    for e in (*sorted(programs, key=lambda e: e.path), *sorted(files, key=lambda e: e.path)):
        digest.update(f"{e.path}\0{e.blob}\n".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class State:
    """The work tree the last run checked, as the difference from a commit."""

    commit: str  # the commit that run compared with
    differing: frozenset[str]  # paths where the checked work tree differed from it


@dataclass(frozen=True)
class Group:
    """One component as this run found it: its files (head side) and its findings."""

    key: str
    entries: list[Entry]
    findings: tuple[Diagnostic, ...]


class ChangeCache:
    """The cache database; ``directory`` None keeps it in memory for one run."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.db = self._open()

    @property
    def file(self) -> Path | None:
        return self.directory / "changes.sqlite" if self.directory else None

    def _open(self) -> sqlite3.Connection:
        """The database, holding its write lock for this run (runs on one repository
        take turns); in memory, as a cold run, when there is no directory, it cannot be
        written, or another run holds it longer than ``LOCK_WAIT``."""
        if self.file is not None and prepare(self.file.parent):
            with contextlib.suppress(OSError, sqlite3.OperationalError):
                try:
                    db = self._locked(self.file)
                except sqlite3.DatabaseError as exc:
                    if isinstance(exc, sqlite3.OperationalError):
                        raise  # locked, read-only, …
                    self.file.unlink()  # not a database: start afresh
                    db = self._locked(self.file)
                return db if self._usable(db) else self._create(db)
        return self._create(self._locked(":memory:"))

    @staticmethod
    def _locked(file: Path | str) -> sqlite3.Connection:
        db = sqlite3.connect(file, isolation_level=None, timeout=LOCK_WAIT)
        # A write-ahead log commits atomically without waiting for the disk (a cache may
        # lose its last run on a power cut, never be left half-written).
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("BEGIN IMMEDIATE")
        return db

    @staticmethod
    def _usable(db: sqlite3.Connection) -> bool:
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        except sqlite3.DatabaseError:
            return False  # empty or of another layout
        return row is not None and row[0] == fingerprint()

    @staticmethod
    def _create(db: sqlite3.Connection) -> sqlite3.Connection:
        """Our tables, empty, in the transaction ``db`` holds."""
        for table in ("meta", "files", "components", "state", "nodes"):
            db.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (fingerprint(),))
        return db

    # Checked files and component findings, by content

    def _wanted(self, keys: Iterable[Key]) -> None:
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (path TEXT, blob TEXT)")
        self.db.execute("DELETE FROM wanted")
        self.db.executemany("INSERT INTO wanted VALUES (?, ?)", keys)

    def entries(self, keys: Iterable[Key]) -> dict[Key, Entry]:
        self._wanted(keys)
        found = {}
        sql = "SELECT path, blob, node, kind, refs, diagnostics FROM wanted JOIN files USING (path, blob)"
        for path, blob, node, kind, refs, diagnostics in self.db.execute(sql):
            found[(path, blob)] = Entry(path, blob, node, kind, tuple(json.loads(refs)), _diagnostics(diagnostics))
        return found

    def records(self, keys: Iterable[Key]) -> dict[Key, Record]:
        """The records of these files as checking them gave them, without a source."""
        self._wanted(keys)
        sql = "SELECT path, blob, kind, record FROM wanted JOIN files USING (path, blob) WHERE record IS NOT NULL"
        found = {}
        for path, blob, kind, data in self.db.execute(sql):
            found[(path, blob)] = record = KINDS[kind].model.model_validate_json(data)
            share_fields_sets(record)
        return found

    def add(self, checked: Iterable[tuple[Entry, Record | None]]) -> None:
        """Checked files: their entries, and their records (as given: unset fields stay unset)."""
        self.db.executemany(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    e.path,
                    e.blob,
                    e.node,
                    e.kind,
                    json.dumps(e.refs),
                    _json(e.diagnostics),
                    rec.model_dump_json(exclude_unset=True) if rec else None,
                )
                for e, rec in checked
                if e.blob
            ),
        )

    def findings(self, key: str) -> tuple[Diagnostic, ...] | None:
        row = self.db.execute("SELECT findings FROM components WHERE key = ?", (key,)).fetchone()
        return _diagnostics(row[0]) if row else None

    def add_findings(self, key: str, findings: Iterable[Diagnostic]) -> None:
        self.db.execute("INSERT OR REPLACE INTO components VALUES (?, ?)", (key, _json(tuple(findings)) or "[]"))

    # The state of the last run

    def state(self) -> State | None:
        rows = dict(self.db.execute("SELECT key, value FROM meta WHERE key IN ('commit', 'differing')").fetchall())
        if "commit" not in rows:
            return None
        return State(rows["commit"], frozenset(json.loads(rows["differing"])))

    def state_files(self, paths: Iterable[str]) -> dict[str, tuple[str, str]]:
        """path → (blob id, component) in the last run's work tree, for these paths."""
        found: dict[str, tuple[str, str]] = {}
        for chunk in _chunks(list(paths), _CHUNK):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT path, blob, component FROM state WHERE path IN ({marks})"
            found.update((p, (b, c)) for p, b, c in self.db.execute(sql, chunk))
        return found

    def components_of(self, nodes: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(list(nodes), _CHUNK):
            marks = ",".join("?" * len(chunk))
            found.update(c for (c,) in self.db.execute(f"SELECT component FROM nodes WHERE node IN ({marks})", chunk))
        return found

    def all_components(self) -> set[str]:
        return {c for (c,) in self.db.execute("SELECT DISTINCT component FROM state")}

    def files_of(self, components: Iterable[str]) -> dict[str, str]:
        """path → blob id of every file of these components in the last run's work tree."""
        found: dict[str, str] = {}
        for chunk in _chunks(list(components), _CHUNK):
            marks = ",".join("?" * len(chunk))
            found.update(self.db.execute(f"SELECT path, blob FROM state WHERE component IN ({marks})", chunk))
        return found

    def kept(self, dropped: set[str]) -> tuple[list[Diagnostic], int, int]:
        """The last run's findings on the components not in ``dropped`` — their files'
        and their rules' — and how many files and records those components have."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS dropped (component TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM dropped")
        self.db.executemany("INSERT INTO dropped VALUES (?)", ((c,) for c in dropped))
        outside = "component NOT IN (SELECT component FROM dropped)"
        files, records = self.db.execute(f"SELECT count(*), count(kind) FROM state WHERE {outside}").fetchone()
        found = [
            d
            for (text,) in self.db.execute(f"SELECT diagnostics FROM state WHERE diagnostics IS NOT NULL AND {outside}")
            for d in _diagnostics(text)
        ]
        keys = f"SELECT DISTINCT component FROM state WHERE {outside}"
        rule_findings = self.db.execute(f"SELECT findings FROM components WHERE findings != '[]' AND key IN ({keys})")
        found += [d for (text,) in rule_findings for d in _diagnostics(text)]
        return found, files, records

    def replace(self, dropped: set[str], removed: Iterable[str], groups: list[Group], programs: list[Entry], state: State) -> None:
        """Record this run's work tree: the components in ``dropped`` and the files in
        ``removed`` give way to ``groups``; programme files belong to no component."""
        db = self.db
        for chunk in _chunks(sorted(dropped), _CHUNK):
            marks = ",".join("?" * len(chunk))
            db.execute(f"DELETE FROM state WHERE component IN ({marks})", chunk)
            db.execute(f"DELETE FROM nodes WHERE component IN ({marks})", chunk)
        db.executemany("DELETE FROM state WHERE path = ?", ((p,) for p in removed))
        db.executemany("DELETE FROM state WHERE path = ?", ((e.path,) for e in programs))
        rows = [(e.path, e.blob, e.kind, "", _json(e.diagnostics)) for e in programs]
        rows += [(e.path, e.blob, e.kind, g.key, _json(e.diagnostics)) for g in groups for e in g.entries]
        db.executemany("INSERT OR REPLACE INTO state VALUES (?, ?, ?, ?, ?)", rows)
        nodes = {n: g.key for g in groups for e in g.entries for n in (e.node, *e.refs)}
        db.executemany("INSERT OR REPLACE INTO nodes VALUES (?, ?)", nodes.items())
        db.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)", [("commit", state.commit), ("differing", json.dumps(sorted(state.differing)))]
        )

    def save(self) -> None:
        """Commit this run's changes in one transaction; skipped if it cannot be written."""
        with contextlib.suppress(sqlite3.Error):
            self.db.execute("COMMIT")
        with contextlib.suppress(sqlite3.Error):
            self.db.close()


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _json(diagnostics: tuple[Diagnostic, ...]) -> str | None:
    return json.dumps([d.as_json() for d in diagnostics], ensure_ascii=False) if diagnostics else None


def _diagnostics(text: str | None) -> tuple[Diagnostic, ...]:
    return tuple(Diagnostic(**{**d, "level": Level(d["level"])}) for d in json.loads(text)) if text else ()
