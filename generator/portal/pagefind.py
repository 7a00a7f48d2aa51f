"""Pagefind, the search indexer: the one place that runs its program.

Pagefind (https://pagefind.app) reads HTML files and writes a chunked index with the script
that queries it in the browser: a query fetches the few index chunks and page fragments it
needs, never the whole index. ``pip install 'pagefind[extended]'`` installs the program for
this platform in a wheel (``pagefind_bin_extended``; the extended build segments Chinese).
``PAGEFIND_BINARY_PATH`` names another copy of it, as for Pagefind's own Python package.
It runs offline, on files only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from generator.errors import CannotRun, os_message

BUNDLE = "pagefind"  # the folder of the site that holds the index and its scripts
INSTALL = "pip install 'pagefind[extended]'"
OUTPUT_LINES = 20  # of the program's output, quoted when it fails
# Pagefind's ready-made search interfaces, which the portal does not use (its search box is
# theme/partials/search.html with assets/jiebang/search.js): not published.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")  # fmt: skip


def binary() -> Path:
    """The Pagefind program: ``PAGEFIND_BINARY_PATH``, else the one the wheel installed, else
    ``pagefind_extended`` on the PATH."""
    named = os.environ.get("PAGEFIND_BINARY_PATH")
    if named:
        if not Path(named).is_file():
            raise CannotRun(
                f"PAGEFIND_BINARY_PATH 指向的搜索索引程序 {named} 不存在：请改正该环境变量，或删去它以使用随 {INSTALL} 安装的程序。"
            )
        return Path(named)
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-not-found]

        return Path(get_executable())
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("pagefind_extended")
    if found is None:
        raise CannotRun(f"找不到搜索索引程序 Pagefind（扩展版，含中文分词）：门户的搜索需要它。请运行 {INSTALL} 安装，或重新安装 jiebang。")
    return Path(found)


def write_documents(folder: Path, documents: Iterable[tuple[str, str]]) -> int:
    """Write ``(path, html)`` documents under ``folder`` for :func:`index`; how many were written."""
    count = 0
    for path, html in documents:
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        count += 1
    return count


def index(source: Path, output: Path) -> None:
    """Index the HTML files under ``source`` (as Chinese) into ``output``, the site's
    ``pagefind/`` folder; a result's address is its file's path under ``source``. The
    interfaces the portal does not use are removed."""
    command = [str(binary()), "--site", str(source), "--output-path", str(output), "--force-language", "zh", "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, errors="replace", check=False)
    except OSError as exc:
        raise CannotRun(f"无法运行搜索索引程序 {command[0]}：{os_message(exc)}。请运行 {INSTALL} 重新安装。") from exc
    if done.returncode != 0:
        said = "\n".join((done.stdout + done.stderr).strip().splitlines()[-OUTPUT_LINES:])
        raise CannotRun(f"搜索索引程序 Pagefind 运行失败（退出码 {done.returncode}），门户未发布。程序的输出：\n{said}")
    for name in UNUSED:
        (output / name).unlink(missing_ok=True)
