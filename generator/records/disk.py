"""Record files on disk: regular files in real folders beneath ``records/``, nothing else.

Every folder below the repository root is opened by name relative to its parent with
``O_NOFOLLOW`` (``openat``), so no symlink anywhere on the way is followed, and a file is
``lstat``-ed before it is opened: a symlink, FIFO, device or socket is refused without being
opened, a file over ``MAX_BYTES`` without being read. The open itself (``O_NOFOLLOW``,
``O_NONBLOCK``) and an ``fstat`` afterwards catch an entry swapped in between: a FIFO can
never block the run. What is refused comes back as ``Refused``, an ``OSError`` carrying the
S005 message, in place of the file's bytes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from generator.errors import CannotRun, reason
from generator.layout import RECORDS, SUFFIXES
from generator.records.load import MAX_BYTES, oversized

_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC  # O_EXCL: never through a symlink, even a dangling one


class Refused(OSError):
    """An entry under ``records/`` that is not read (S005): its message says what it is
    and what to do."""


def not_regular(what: str) -> Refused:
    return Refused(
        f"这是{' ' if what[:1].isascii() else ''}{what}，不是普通文件：记录只从 records/ 下的普通文件读取，不会打开它。请换成记录文件本身。"
    )


def too_large(size: int) -> Refused:
    return Refused(oversized(size) + "未读取其内容。")


SYMLINK = "符号链接"


def _what(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return SYMLINK
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISCHR(mode):
        return "字符设备文件"
    if stat.S_ISBLK(mode):
        return "块设备文件"
    if stat.S_ISSOCK(mode):
        return "套接字（socket）"
    if stat.S_ISDIR(mode):
        return "文件夹"
    return "特殊文件"


def iter_record_files(root: Path) -> Iterator[str]:
    """Repo-relative paths of every YAML file under ``root/records``, sorted by component,
    and of every entry there that must be refused: any symlink (a symlinked folder is
    listed, never entered) and any FIFO, device or socket named like a record. A folder
    that cannot be listed is ``CannotRun``: records are never skipped silently."""
    base = root / RECORDS
    if base.is_symlink():
        yield RECORDS
        return
    if not base.is_dir():
        return
    found: list[list[str]] = []
    stack = [[RECORDS]]
    while stack:
        parts = stack.pop()
        for entry in _listing(root, parts):
            here = [*parts, entry.name]
            if entry.is_symlink():
                found.append(here)
            elif entry.is_dir(follow_symlinks=False):
                stack.append(here)
            elif os.path.splitext(entry.name)[1] in SUFFIXES:
                found.append(here)  # a regular file, or a special one that reading refuses
    for parts in sorted(found):
        yield "/".join(parts)


def _listing(root: Path, parts: list[str]) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(root.joinpath(*parts)) as entries:
            return list(entries)
    except OSError as exc:
        raise CannotRun(f"无法读取文件夹 {'/'.join(parts)}：{reason(exc)}。其中的记录未经检查，请修正后重试。") from exc


class _Folders:
    """Open folders beneath ``root``, opened one component at a time without following
    a symlink; only the chain of the folder in use is kept open."""

    def __init__(self, root: Path) -> None:
        self.root = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        self.chain: list[tuple[str, int]] = []

    def open(self, parts: list[str], *, create: bool = False) -> int:
        keep = 0
        while keep < min(len(parts), len(self.chain)) and self.chain[keep][0] == parts[keep]:
            keep += 1
        for _, fd in self.chain[keep:]:
            os.close(fd)
        del self.chain[keep:]
        for name in parts[keep:]:
            parent = self.chain[-1][1] if self.chain else self.root
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(name, 0o777, dir_fd=parent)
            try:
                fd = os.open(name, _DIR, dir_fd=parent)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise not_regular(_what(os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode)) from exc
                raise
            self.chain.append((name, fd))
        return self.chain[-1][1] if self.chain else self.root

    def close(self) -> None:
        for _, fd in self.chain:
            os.close(fd)
        self.chain.clear()
        os.close(self.root)


def read_files(root: Path, paths: Iterable[str]) -> Iterator[tuple[str, bytes | OSError]]:
    """The bytes of each repo-relative path, or the ``OSError`` that reading gave: a
    ``Refused`` for anything but a regular file of at most ``MAX_BYTES`` in real folders."""
    folders = _Folders(root)
    try:
        for rel in paths:
            *parts, name = rel.split("/")
            try:
                yield rel, _read(folders.open(parts), name)
            except OSError as exc:
                yield rel, exc
    finally:
        folders.close()


def _read(folder: int, name: str) -> bytes:
    before = os.stat(name, dir_fd=folder, follow_symlinks=False)
    if not stat.S_ISREG(before.st_mode):
        raise not_regular(_what(before.st_mode))
    if before.st_size > MAX_BYTES:
        raise too_large(before.st_size)
    try:
        fd = os.open(name, _FILE, dir_fd=folder)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # swapped for a symlink since the lstat
            raise not_regular(SYMLINK) from exc
        raise
    try:
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino):
            raise not_regular(_what(now.st_mode) if not stat.S_ISREG(now.st_mode) else "刚被替换的文件")
        chunks, size = [], 0
        step = max(now.st_size + 1, 8192)  # one read for the whole file, one to see its end
        while size <= MAX_BYTES:
            chunk = os.read(fd, min(step, MAX_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_BYTES:
            raise too_large(max(size, os.fstat(fd).st_size))
        return b"".join(chunks)
    finally:
        os.close(fd)


def create_file(root: Path, rel: str, data: bytes) -> Path:
    """Write a new file at the repo-relative ``rel``, creating its folders: never over an
    existing entry and never through a symlink (``FileExistsError`` or ``Refused``)."""
    *parts, name = rel.split("/")
    folders = _Folders(root)
    try:
        folder = folders.open(parts, create=True)
        try:
            fd = os.open(name, _NEW, 0o644, dir_fd=folder)
        except FileExistsError:
            if stat.S_ISLNK(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode):
                raise not_regular(SYMLINK) from None
            raise
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        except OSError:
            os.unlink(name, dir_fd=folder)
            raise
        finally:
            os.close(fd)
    finally:
        folders.close()
    return root / rel
