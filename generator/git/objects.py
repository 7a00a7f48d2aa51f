"""What a record tree in git is made of, without GitPython: a tree entry (``Blob``), the
modes that are never records, and the hint given when history is missing. The loader
names these; only reading a revision needs ``generator.git.repo`` and GitPython."""

from __future__ import annotations

from dataclasses import dataclass

FETCH_HINT = "请获取完整历史后重试：git fetch --unshallow（GitHub Actions 中设置 actions/checkout 的 fetch-depth: 0）。"

REGULAR = ("100644", "100755")
SYMLINK, SUBMODULE = "120000", "160000"


@dataclass(frozen=True)
class Blob:
    """An entry of a commit's tree under ``records/``: a record file, or a symlink or
    submodule (``mode``), which is never a record."""

    path: str  # repo-relative, posix
    sha: str  # git object id (hex): a blob, or the commit of a submodule
    mode: str = REGULAR[0]
    size: int = 0  # bytes, from the tree listing: known before the blob is read

    @property
    def regular(self) -> bool:
        return self.mode in REGULAR
