"""Where records live in a records repository."""

from __future__ import annotations

from pathlib import PurePosixPath

RECORDS = "records"  # the folder of record files, at the repository's root
SUFFIXES = (".yaml", ".yml")
MAX_BYTES = 1024 * 1024  # a record file's size limit: larger ones are refused unread (S005)


def is_record(path: str) -> bool:
    """A repo-relative path of a record file."""
    return path.startswith(f"{RECORDS}/") and path.endswith(SUFFIXES)


def record_id(path: str) -> str:
    """The id a record file holds by its name (``records/program.yaml`` → ``program``)."""
    return PurePosixPath(path).stem
