"""The errors that end a command with a message for the official, never a traceback."""

from __future__ import annotations

import errno
from collections.abc import Sequence
from typing import Any


class CannotRun(Exception):
    """The run cannot happen at all (exit 2): no records folder, bad revision, …"""


class RecordErrors(Exception):
    """The records have errors, so nothing is published (exit 1); the message is the report,
    ``findings`` its findings (``diagnostics.Diagnostic``), for whoever shows them otherwise."""

    def __init__(self, message: str, findings: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.findings = tuple(findings)


_REASONS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EROFS: "文件系统只读，不能写入",
    errno.EACCES: "权限不足",
    errno.EPERM: "权限不足（操作不被允许）",
    errno.ENOENT: "路径不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "这是文件夹，不是文件",
    errno.EEXIST: "已存在同名的文件或文件夹",
    errno.ENOTEMPTY: "文件夹不是空的",
    errno.ELOOP: "路径中有符号链接",
    errno.EBUSY: "文件或文件夹正被占用（如挂载点）",
    errno.EXDEV: "不能跨文件系统移动",
    errno.EMFILE: "打开的文件过多",
    errno.ENAMETOOLONG: "路径过长",
    errno.EFBIG: "文件超过系统允许的大小",
    errno.EIO: "磁盘读写出错",
}


def reason(exc: OSError) -> str:
    """What an ``OSError`` means, in Chinese (the operating system's own text is English)."""
    if isinstance(exc.errno, int) and exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return f"系统错误（错误号 {exc.errno}）" if exc.errno else "系统错误"


def os_message(exc: OSError) -> str:
    """``reason`` with the path the error names, when it names one."""
    where = exc.filename if isinstance(exc.filename, str) else None
    return f"{where}：{reason(exc)}" if where else reason(exc)
