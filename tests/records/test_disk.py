"""Record files on disk: the walk, reading only regular files, writing a new file safely."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from generator.errors import CannotRun
from generator.records.disk import Refused, create_file, iter_record_files, read_files
from generator.records.load import MAX_BYTES


@pytest.fixture
def root(tmp_path: Path) -> Path:
    base = tmp_path / "repo"
    for rel in ["records/program.yaml", "records/lists/L-1.yaml", "records/lists/2024/L-2.yml", "records/lists/notes.md"]:
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        (base / rel).write_text(f"id: {rel}\n", encoding="utf-8")
    return base


def test_the_walk_lists_records_and_what_must_be_refused_sorted(root: Path, tmp_path: Path) -> None:
    (root / "records/lists/link.md").symlink_to("notes.md")  # any symlink, whatever its name
    (root / "records/lists/ext").symlink_to(tmp_path, target_is_directory=True)  # listed, not entered
    os.mkfifo(root / "records/lists/pipe.yaml")
    os.mkfifo(root / "records/lists/pipe.txt")  # not named like a record: not ours to judge
    assert list(iter_record_files(root)) == [
        "records/lists/2024/L-2.yml",
        "records/lists/L-1.yaml",
        "records/lists/ext",
        "records/lists/link.md",
        "records/lists/pipe.yaml",
        "records/program.yaml",
    ]


def test_no_records_folder_lists_nothing(tmp_path: Path) -> None:
    assert list(iter_record_files(tmp_path)) == []


def test_reading_gives_bytes_or_the_reason_it_refused(root: Path) -> None:
    (root / "records/lists/L-3.yaml").symlink_to("L-1.yaml")
    (root / "records/big.yaml").write_bytes(b"#" * (MAX_BYTES + 1))
    (root / "records/lists/2024/link").symlink_to("..", target_is_directory=True)
    paths = ["records/lists/2024/L-2.yml", "records/lists/L-1.yaml", "records/lists/L-3.yaml", "records/big.yaml"]
    paths += ["records/lists/2024/link/L-1.yaml", "records/lists/missing.yaml", "records/program.yaml"]
    got = dict(read_files(root, paths))
    assert got["records/lists/2024/L-2.yml"] == b"id: records/lists/2024/L-2.yml\n"
    assert got["records/program.yaml"] == b"id: records/program.yaml\n"
    assert isinstance(got["records/lists/L-3.yaml"], Refused) and "符号链接" in str(got["records/lists/L-3.yaml"])
    assert isinstance(got["records/big.yaml"], Refused) and f"文件大小 {MAX_BYTES + 1} 字节" in str(got["records/big.yaml"])
    assert isinstance(got["records/lists/2024/link/L-1.yaml"], Refused)  # a symlinked folder on the way
    missing = got["records/lists/missing.yaml"]
    assert isinstance(missing, FileNotFoundError) and not isinstance(missing, Refused)


def test_a_file_that_grows_past_the_limit_while_read_is_refused(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The size is checked before reading and again on what was read."""
    real = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: real(fd, n) or b"#" * n)  # an endless file
    ((_, raw),) = read_files(root, ["records/program.yaml"])
    assert isinstance(raw, Refused) and "超过上限" in str(raw)


def test_an_unlistable_folder_cannot_run(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.scandir

    def scandir(path: object) -> object:
        if str(path).endswith("2024"):
            raise PermissionError(errno.EACCES, "denied", str(path))
        return real(path)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(CannotRun, match="无法读取文件夹 records/lists/2024：权限不足"):
        list(iter_record_files(root))


def test_a_new_file_is_created_with_its_folders(root: Path) -> None:
    path = create_file(root, "records/needs/2024/N-1.yaml", b"kind: need\n")
    assert path.read_text(encoding="utf-8") == "kind: need\n"
    with pytest.raises(FileExistsError):
        create_file(root, "records/needs/2024/N-1.yaml", b"again")
    assert path.read_text(encoding="utf-8") == "kind: need\n"


def test_a_new_file_is_never_written_through_a_symlink(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "records/lists/L-9.yaml").symlink_to(outside / "planted.yaml")  # dangling
    with pytest.raises(Refused):
        create_file(root, "records/lists/L-9.yaml", b"x")
    (root / "records/needs").symlink_to(outside, target_is_directory=True)
    with pytest.raises(Refused):
        create_file(root, "records/needs/N-1.yaml", b"x")
    assert list(outside.iterdir()) == []


def test_a_failed_write_leaves_no_file(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "full")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OSError, match="full"):
        create_file(root, "records/lists/L-5.yaml", b"kind: list\n")
    assert not (root / "records/lists/L-5.yaml").exists()
