"""A record set read whole: every record file of a work tree, or of a git revision,
parsed and checked (parse, schema, model) into a corpus with every file's findings."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from generator.diagnostics import ERROR, Diagnostic
from generator.errors import CannotRun
from generator.git.objects import FETCH_HINT, SUBMODULE, Blob
from generator.layout import MAX_BYTES, RECORDS
from generator.models.corpus import Corpus
from generator.records.disk import SYMLINK, iter_record_files, not_regular, read_files, too_large
from generator.records.files import FileResult, check_files

if TYPE_CHECKING:  # GitPython is slow to import, and a work tree is read without it
    from generator.git.repo import GitCommit, GitRecords

FREEZE_ABOVE = 200_000  # live container objects: a set of ~20,000 records


@contextmanager
def bulk() -> Iterator[None]:
    """No cyclic garbage collection while a record set is loaded or checked, and none
    of what it made scanned by later collections.

    Records and their indexes hold no reference cycles: they are freed by reference
    counting when dropped, so the collector has nothing to find in them. But a national
    set is ~10⁷ objects, and every full collection would walk them all — while loading,
    and afterwards in whatever runs next (the portal build) and at interpreter exit.
    So collection is off inside, and on the way out, when the block made a large set
    (benchmarks/README.md measures the gain), everything alive is moved to the
    collector's permanent generation (``gc.freeze``); small sets leave no trace.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_count()[0] > FREEZE_ABOVE:  # objects made and still alive, collection being off
            gc.freeze()
        if enabled:
            gc.enable()


@dataclass
class Loaded:
    corpus: Corpus
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0


def load_results(results: Iterable[FileResult]) -> Loaded:
    """Assemble checked files into a corpus, keeping every finding."""
    results = list(results)
    loaded = Loaded(corpus_of(results), [d for r in results for d in r.diagnostics], len(results))
    if not any(r.path.endswith("program.yaml") and len(PurePosixPath(r.path).parts) == 2 for r in results):
        loaded.diagnostics.append(missing_program())
    return loaded


def corpus_of(results: Iterable[FileResult]) -> Corpus:
    """The valid records of checked files; the others are known by their file's name."""
    results = list(results)
    return Corpus([r.record for r in results if r.record is not None], [r.stem for r in results if r.record is None])


def missing_program() -> Diagnostic:
    return Diagnostic(f"{RECORDS}/program.yaml", 1, 1, "S004", ERROR, "缺少 records/program.yaml：每个记录仓库必须有且只有一个方案文件。")


def load_tree(root: Path) -> Loaded:
    """Load and check every record file under ``root/records``."""
    if not (root / RECORDS).is_dir():
        raise CannotRun(f"找不到 {root / RECORDS}：请在记录仓库的根目录运行，或用 --root 指定。")
    with bulk():
        return load_results(check_files(read_files(root, iter_record_files(root))))


def load_at(src: GitRecords, rev: str | GitCommit) -> Loaded:
    """The record set exactly as it stood at ``rev`` (a revision, date or commit)."""
    commit = src.resolve(rev) if isinstance(rev, str) else rev
    with bulk():
        return load_results(check_files(read_blobs(src, src.blobs(commit))))


def read_blobs(src: GitRecords, blobs: Iterable[Blob]) -> Iterator[tuple[str, bytes | OSError]]:
    """The bytes of record files in git, as ``read_files`` gives those of the work tree:
    a symlink or a submodule is refused unread, and so is a blob over ``MAX_BYTES`` (its
    size is in the tree listing). The others are read in one pass over git."""
    blobs = list(blobs)
    raw = src.read_many(b.sha for b in blobs if b.regular and b.size <= MAX_BYTES)
    for b in blobs:
        if not b.regular:
            yield b.path, not_regular("git 子模块" if b.mode == SUBMODULE else SYMLINK)
        elif b.size > MAX_BYTES:
            yield b.path, too_large(b.size)
        elif b.sha in raw:
            yield b.path, raw[b.sha]
        else:
            raise CannotRun(f"仓库缺少 {b.path} 的对象 {b.sha[:10]}。{FETCH_HINT}")
