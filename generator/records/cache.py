"""The on-disk cache of ``validate --base``: what checking a file gave, and what the
rules gave on a component, each kept under the content it was computed from.

- ``files``: per (path, git blob id), the file's graph entry (``graph.Entry``: its
  record's id and kind, the ids it refers to, the findings of parsing, schema and
  model). ``check_file`` is pure and a blob id names the bytes.
- ``components``: per ``component_key`` (a digest of the (path, blob id) of a
  component's files and of the programme files), the corpus rules' findings on it.
- ``tree_files``, ``tree_nodes``: per git tree id, the partition of that tree's record
  files into components (``records.partition``); a tree id names its files' content.

Nothing else is kept: which files the work tree holds, and how it differs from a tree,
is asked of git on every run, so no state of an earlier run can disagree with the work
tree. The caller decides what it may take from here (``generator.changes`` never takes
what a change touches).

Data only: an SQLite database (standard library) whose values are text and JSON, read
back into plain tuples and ``Diagnostic``s, so nothing loaded from it can run code. It
lives outside the records repository (``cache_dir``): a cache is never read from the
work tree, where a pull request could commit one. Entries are valid only for the code
and library versions that made them (``fingerprint()``): a change to the models, the
rules, the schemas or the holiday calendar starts an empty cache. A run's additions are
written in one transaction when it ends well; a run that fails writes nothing; a
damaged or foreign database is replaced; a cache that cannot be written, or that
another run holds for longer than ``LOCK_WAIT``, is replaced by one in memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import metadata
from pathlib import Path
from types import TracebackType

from generator.diagnostics import Diagnostic, Level
from generator.records.graph import Entry

CACHE_ENV = "JIEBANG_CACHE"  # a directory for the cache, or "off"
OFF = ("", "0", "off", "no", "false")
Key = tuple[str, str]  # (repo-relative path, git blob id)
_LIBRARIES = ("pydantic", "pydantic-core", "PyYAML", "jsonschema", "jsonschema-rs", "chinese-calendar")
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (path TEXT, blob TEXT, node TEXT NOT NULL, kind TEXT, refs TEXT NOT NULL, diagnostics TEXT,
                    PRIMARY KEY (path, blob)) WITHOUT ROWID;
CREATE TABLE components (key TEXT PRIMARY KEY, findings TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE tree_files (tree TEXT, path TEXT, blob TEXT NOT NULL, component TEXT NOT NULL, kind TEXT, diagnostics TEXT,
                         PRIMARY KEY (tree, path)) WITHOUT ROWID;
CREATE INDEX tree_files_component ON tree_files (tree, component);
CREATE TABLE tree_nodes (tree TEXT, node TEXT, component TEXT NOT NULL, PRIMARY KEY (tree, node)) WITHOUT ROWID;
"""
# Rows of the types this code writes (refs: ids, one a line); anything else is a miss, never an error.
_ENTRIES = (
    "SELECT path, blob, node, kind, refs, diagnostics FROM files WHERE typeof(path) = 'text' AND typeof(blob) = 'text' "
    "AND typeof(node) = 'text' AND typeof(kind) IN ('text', 'null') AND typeof(refs) = 'text' AND typeof(diagnostics) IN ('text', 'null')"
)
_FIELDS = {"path", "line", "column", "rule", "level", "message", "record", "field", "cites"}
LOCK_WAIT = 30.0  # seconds to wait for another run on the same repository
SLACK = 2  # entries kept per entry in use before the unused ones are dropped
KEEP_TREES = 2  # partitions kept: the merge bases of the runs of, say, main and one branch


def cache_dir(root: Path) -> Path | None:
    """Where the cache of the records repository at ``root`` lives: ``JIEBANG_CACHE``
    (None when it says "off"), else ``$XDG_CACHE_HOME/jiebang/<digest of root's absolute
    path>`` (``~/.cache/…`` without it). Never inside ``root``'s work tree: a directory
    there is refused (None) even when ``JIEBANG_CACHE`` names it."""
    value = os.environ.get(CACHE_ENV)
    if value is not None:
        if value.strip().lower() in OFF:
            return None
        directory = Path(value).expanduser().absolute()
    else:
        base = os.environ.get("XDG_CACHE_HOME")
        try:
            home = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
        except RuntimeError:  # no home directory to be found
            return None
        digest = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
        directory = home / "jiebang" / digest
    return None if directory.resolve().is_relative_to(root.resolve()) else directory


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
    return digest.hexdigest()[:32]  # 128 bits: the partition of a national set repeats it in 10⁵ rows


class ChangeCache:
    """The cache database, held for one run: ``with ChangeCache(directory) as cache: …``
    keeps what the run added if it ends well and nothing if it raises, and always closes
    the database and releases its lock. ``directory`` None keeps it in memory."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.on_disk = False  # False: in memory (no directory, not writable, or held by another run)
        self.db = self._open()
        self._used_files: set[Key] = set()
        self._used_components: set[str] = set()
        self._used_trees: list[str] = []

    def __enter__(self) -> ChangeCache:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.save()
        else:
            self.close()

    @property
    def file(self) -> Path | None:
        return self.directory / "changes.sqlite" if self.directory else None

    def _open(self) -> sqlite3.Connection:
        """The database, holding its write lock for this run (runs on one repository
        take turns); in memory, as a cold run, when there is no directory, it cannot be
        written, or another run holds it longer than ``LOCK_WAIT``."""
        if self.file is not None and _prepare(self.file.parent):
            with contextlib.suppress(OSError, sqlite3.OperationalError):
                try:
                    db = _locked(self.file)
                except sqlite3.DatabaseError as exc:
                    if isinstance(exc, sqlite3.OperationalError):
                        raise  # locked, read-only, …
                    self.file.unlink()  # not a database: start afresh
                    db = _locked(self.file)
                self.on_disk = True
                return db if _usable(db) else _create(db)
        return _create(_locked(":memory:"))

    # Checked files

    def entries(self, keys: Iterable[Key]) -> dict[Key, Entry]:
        """The entries kept for these (path, blob id) pairs, one blob id per path; the
        others are left out, and so is any row of types this code does not write."""
        wanted = dict(keys)  # path → blob id
        self._used_files.update(wanted.items())
        found = {}
        for row in self.db.execute(_ENTRIES):
            if wanted.get(row[0]) == row[1] and (e := entry_of(row)) is not None:
                found[(e.path, e.blob)] = e
        return found

    def add(self, entries: Iterable[Entry]) -> None:
        """Entries of files checked in this run (those without a blob id are not kept)."""
        rows = [(e.path, e.blob, e.node, e.kind, "\n".join(e.refs), encode(e.diagnostics)) for e in entries if e.blob]
        self._used_files.update((path, blob) for path, blob, *_ in rows)
        self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)", rows)

    # Component findings

    def findings(self, keys: Iterable[str]) -> dict[str, tuple[Diagnostic, ...]]:
        """The findings kept for these component keys; the others are left out."""
        wanted = set(keys)
        self._used_components |= wanted
        found = {}
        for chunk in chunks(sorted(wanted)):
            marks = ",".join("?" * len(chunk))
            for key, text in self.db.execute(f"SELECT key, findings FROM components WHERE key IN ({marks})", chunk):
                with contextlib.suppress(ValueError, TypeError):  # a row we did not write is a miss
                    found[key] = decode(text)
        return found

    def add_findings(self, key: str, findings: Iterable[Diagnostic]) -> None:
        self._used_components.add(key)
        self.db.execute("INSERT OR REPLACE INTO components VALUES (?, ?)", (key, encode(tuple(findings)) or "[]"))

    # The end of a run

    def save(self) -> None:
        """Keep this run's additions in one transaction (dropping entries no recent run
        used once they outnumber the used ones ``SLACK`` times), then close; a cache that
        cannot be written is left as it was."""
        with contextlib.suppress(sqlite3.Error):
            self._prune()
            self.db.execute("COMMIT")
        self.close()

    def close(self) -> None:
        """Close without keeping anything this run added; the lock is released."""
        with contextlib.suppress(sqlite3.Error):
            self.db.close()

    def use_tree(self, tree: str) -> None:
        """This run reads or writes the partition of ``tree`` (``records.partition``): keep it."""
        self._used_trees.append(tree)

    def _prune(self) -> None:
        """Keep the partitions of the ``KEEP_TREES`` trees used last; drop file entries and
        component findings that neither they nor this run use, once those outnumber the
        rest ``SLACK`` times."""
        db = self.db
        (text,) = db.execute("SELECT coalesce((SELECT value FROM meta WHERE key = 'trees'), '[]')").fetchone()
        earlier = [t for t in json.loads(text) if isinstance(t, str)]
        kept = list(dict.fromkeys([*reversed(self._used_trees), *earlier]))[:KEEP_TREES]
        db.execute("INSERT OR REPLACE INTO meta VALUES ('trees', ?)", (json.dumps(kept),))
        marks = ",".join("?" * len(kept))
        for table in ("tree_files", "tree_nodes"):
            db.execute(f"DELETE FROM {table} WHERE tree NOT IN ({marks})", kept)
        db.execute("CREATE TEMP TABLE used_files (path TEXT, blob TEXT, PRIMARY KEY (path, blob)) WITHOUT ROWID")
        db.executemany("INSERT OR IGNORE INTO used_files VALUES (?, ?)", self._used_files)
        db.execute("CREATE TEMP TABLE used_components (key TEXT PRIMARY KEY) WITHOUT ROWID")
        db.executemany("INSERT OR IGNORE INTO used_components VALUES (?)", ((k,) for k in self._used_components))
        (files, partitioned) = db.execute("SELECT (SELECT count(*) FROM files), (SELECT count(*) FROM tree_files)").fetchone()
        if files > SLACK * (partitioned + len(self._used_files)) + 1000:
            db.execute(
                "DELETE FROM files WHERE (path, blob) NOT IN (SELECT path, blob FROM used_files) "
                "AND (path, blob) NOT IN (SELECT path, blob FROM tree_files)"
            )
        (components, grouped) = db.execute(
            "SELECT (SELECT count(*) FROM components), (SELECT count(DISTINCT component) FROM tree_files)"
        ).fetchone()
        if components > SLACK * (grouped + len(self._used_components)) + 1000:
            db.execute(
                "DELETE FROM components WHERE key NOT IN (SELECT key FROM used_components) "
                "AND key NOT IN (SELECT component FROM tree_files)"
            )


def _prepare(directory: Path) -> bool:
    """Create the cache folder; False when it cannot be written."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return True


def _locked(file: Path | str) -> sqlite3.Connection:
    db = sqlite3.connect(file, isolation_level=None, timeout=LOCK_WAIT)
    # A write-ahead log commits atomically without waiting for the disk (a cache may
    # lose its last run on a power cut, never be left half-written).
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("BEGIN IMMEDIATE")
    return db


def _usable(db: sqlite3.Connection) -> bool:
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        db.execute("SELECT path, blob, node, kind, refs, diagnostics FROM files LIMIT 0")
        db.execute("SELECT key, findings FROM components LIMIT 0")
        db.execute("SELECT tree, path, blob, component, kind, diagnostics FROM tree_files LIMIT 0")
        db.execute("SELECT tree, node, component FROM tree_nodes LIMIT 0")
    except sqlite3.DatabaseError:
        return False  # empty or of another layout
    return row is not None and row[0] == fingerprint()


def _create(db: sqlite3.Connection) -> sqlite3.Connection:
    """Our tables, empty, in the transaction ``db`` holds (any other table is dropped)."""
    tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        db.execute(f'DROP TABLE IF EXISTS "{table}"')
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (fingerprint(),))
    return db


def chunks(items: list[str], size: int = 900) -> Iterator[list[str]]:
    """SQLite's limit on variables per statement is 999 in old builds."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def entry_of(row: tuple[object, ...]) -> Entry | None:
    """A file's entry from its row (path, blob, node, kind, refs, diagnostics); None for a
    row of types this code does not write."""
    path, blob, node, kind, refs, diagnostics = row
    try:
        return Entry(
            _str(path), _str(blob), _str(node), _optional(kind), tuple(_str(refs).split("\n")) if refs else (), decode(diagnostics)
        )
    except (ValueError, TypeError):
        return None


def encode(diagnostics: tuple[Diagnostic, ...]) -> str | None:
    return json.dumps([d.as_json() for d in diagnostics], ensure_ascii=False) if diagnostics else None


def decode(text: object) -> tuple[Diagnostic, ...]:
    """Findings from their JSON form; ValueError unless every field has its type."""
    if text is None:
        return ()
    found = []
    for d in json.loads(_str(text)):
        if not isinstance(d, dict) or set(d) != _FIELDS:
            raise ValueError("not a finding")
        path, line, column, rule, level, message = (d[k] for k in ("path", "line", "column", "rule", "level", "message"))
        if not (isinstance(line, int) and isinstance(column, int) and all(isinstance(v, str) for v in (path, rule, message))):
            raise ValueError("not a finding")
        record, field, cites = (_optional(d[k]) for k in ("record", "field", "cites"))
        found.append(Diagnostic(path, line, column, rule, Level(level), message, record, field, cites))
    return tuple(found)


def _str(value: object) -> str:
    if isinstance(value, str):
        return value
    raise ValueError("not text")


def _optional(value: object) -> str | None:
    return None if value is None else _str(value)
