"""An on-disk cache of checked record files, keyed by (path, git blob id).

``check_file(path, bytes)`` is pure, and a git blob id names the bytes, so a file that
is unchanged since the last run needs neither parsing nor schema or model validation:
its result (the record, or its findings) is read back from the cache. A result is
stored in full, findings included, so a cache hit reports exactly what a fresh check
would; entries are only valid for the code that made them (``fingerprint()``), so a
change to the models, the schemas or the loader invalidates the whole cache.

The cache is JSON (no pickle: a restored cache never runs code) under
``.jiebang-cache/`` in the records repository, which ignores itself (it holds its own
``.gitignore``). A record read back has no YAML node tree; its ``LazySource`` parses
the file again only if a finding on that record needs a line and column.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, MutableMapping
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from generator.diagnostics import Diagnostic, Level
from generator.models import KINDS, Source
from generator.records.files import FileResult
from generator.records.load import parse

CACHE_DIR = ".jiebang-cache"
Key = tuple[str, str]  # (repo-relative path, git blob id)
Reader = Callable[[str, str], bytes]  # (path, blob id) → the file's bytes
_LIBRARIES = ("pydantic", "pydantic-core", "PyYAML", "jsonschema", "jsonschema-rs")


def blob_id(raw: bytes) -> str:
    """The git blob id of these bytes (what ``git hash-object`` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).hexdigest()


@cache
def fingerprint() -> str:
    """A digest of everything a check's result depends on: this package's code and the
    versions of the libraries that parse and validate."""
    digest = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{name}={metadata.version(name)}\0".encode())
    return digest.hexdigest()[:16]


class LazySource(Source):
    """A record's source whose node tree is parsed again only when a position is asked for."""

    _read: Callable[[], bytes]

    def __init__(self, path: str, read: Callable[[], bytes]) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "_read", read)

    @property  # type: ignore[override]
    def node(self) -> yaml.Node | None:
        if "_node" not in self.__dict__:
            try:
                doc, _ = parse(self.path, self._read())
            except OSError:
                doc = None
            object.__setattr__(self, "_node", doc.node if doc else None)
        node: yaml.Node | None = self.__dict__["_node"]
        return node


class FileCache(MutableMapping[Key, FileResult]):
    """Checked files by (path, blob id), loaded from and saved to ``directory``.

    ``read(path, blob)`` gives a cached record's bytes back when a finding needs its
    position. ``save()`` keeps only the entries this run used, so the cache follows the
    repository instead of growing with every revision it has seen.
    """

    def __init__(self, directory: Path | None, read: Reader) -> None:
        self.directory = directory
        self.read = read
        self.hits = 0
        self._stored: dict[str, Any] = self._load()
        self._results: dict[Key, FileResult] = {}
        self._dirty = False  # something was added since loading

    @property
    def file(self) -> Path | None:
        return self.directory / f"files-{fingerprint()}.json" if self.directory else None

    def _load(self) -> dict[str, Any]:
        if self.file is None or not self.file.is_file():
            return {}
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # unreadable or half-written: start afresh
        entries = data.get("entries") if isinstance(data, dict) and data.get("fingerprint") == fingerprint() else None
        return entries if isinstance(entries, dict) else {}

    def __getitem__(self, key: Key) -> FileResult:
        if key in self._results:
            return self._results[key]
        stored = self._stored.get(_name(key))
        result = self._restore(key, stored) if stored is not None else None
        if result is None:
            raise KeyError(key)
        self.hits += 1
        self._results[key] = result
        return result

    def __setitem__(self, key: Key, result: FileResult) -> None:
        self._results[key] = result
        self._dirty = True

    def __delitem__(self, key: Key) -> None:
        self._results.pop(key, None)
        self._stored.pop(_name(key), None)
        self._dirty = True

    def __iter__(self) -> Iterator[Key]:
        names = {_name(k) for k in self._results}
        yield from self._results
        for name in self._stored:
            if name not in names:
                path, _, sha = name.rpartition("\t")
                yield (path, sha)

    def __len__(self) -> int:
        return len(set(self._stored) | {_name(k) for k in self._results})

    def _restore(self, key: Key, stored: Any) -> FileResult | None:
        path, sha = key
        try:
            diagnostics = tuple(_diagnostic(d) for d in stored["diagnostics"])
            record = None
            if stored.get("record") is not None:
                record = KINDS[stored["kind"]].model.model_validate(stored["record"])
                record.attach(LazySource(path, lambda: self.read(path, sha)))
            return FileResult(path, record, diagnostics)
        except (KeyError, TypeError, ValueError, ValidationError):
            return None  # an entry that does not restore cleanly is a miss, never a guess

    def save(self) -> None:
        """Write the entries used in this run; a cache that cannot be written is skipped."""
        if self.file is None or self.directory is None:
            return
        if not self._dirty and len(self._results) == len(self._stored) and self.file.is_file():
            return  # every stored entry was used and nothing was added: the file is already right
        entries = {_name(k): _entry(r) for k, r in sorted(self._results.items())}
        text = json.dumps({"fingerprint": fingerprint(), "entries": entries}, ensure_ascii=False, separators=(",", ":"))
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# jiebang's cache of checked record files; safe to delete.\n*\n", encoding="utf-8")
            for old in self.directory.glob("files-*.json"):
                if old != self.file:
                    old.unlink()
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".files-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, self.file)
        except OSError:
            return


def _name(key: Key) -> str:
    return f"{key[0]}\t{key[1]}"


def _entry(result: FileResult) -> dict[str, Any]:
    rec = result.record
    return {
        "kind": rec.kind if rec else None,
        "record": rec.model_dump(mode="json") if rec else None,
        "diagnostics": [d.as_json() for d in result.diagnostics],
    }


def _diagnostic(data: dict[str, Any]) -> Diagnostic:
    return Diagnostic(**{**data, "level": Level(data["level"])})
