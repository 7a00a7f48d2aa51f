"""Reading one programme's published ``records.json``: from a URL, a file, or a records
repository (exported here by ``jiebang export``'s own code: the public slice only).

Every failure is a :class:`SourceFailed` with a Chinese message naming what went wrong;
the harvest reports it against the programme and goes on with the others.
"""

from __future__ import annotations

import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from generator import __version__
from generator.errors import CannotRun, RecordErrors
from generator.federate.cache import Validators
from generator.portal.build import open_data

MAX_BYTES = 512 * 1024 * 1024  # a records.json of 10⁴ lists is ~30 MB
TIMEOUT = 60.0  # seconds without an answer from a server


class SourceFailed(Exception):
    """A programme's open data could not be had or is not valid (message in Chinese)."""


@dataclass(frozen=True)
class Fetched:
    content: bytes | None  # None: the server says it has not changed since ``known``
    etag: str | None = None
    last_modified: str | None = None


def fetch_url(url: str, known: Validators | None) -> Fetched:
    """GET ``url``, conditionally when the last fetch left an ETag or Last-Modified."""
    request = urllib.request.Request(url, headers={"User-Agent": f"jiebang/{__version__} (federate)", "Accept": "application/json"})
    if known and known.etag:
        request.add_header("If-None-Match", known.etag)
    if known and known.last_modified:
        request.add_header("If-Modified-Since", known.last_modified)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            content = answer.read(MAX_BYTES + 1)
            headers = answer.headers
    except urllib.error.HTTPError as exc:
        if exc.code == 304 and known:
            return Fetched(None, known.etag, known.last_modified)
        raise SourceFailed(f"无法获取 {url}：服务器答复 HTTP {exc.code}。") from exc
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SourceFailed(f"无法访问 {url}：{reason}。") from exc
    if len(content) > MAX_BYTES:
        raise SourceFailed(f"{url} 超过 {MAX_BYTES // 1024 // 1024} MiB，未读取。")
    return Fetched(content, headers.get("ETag"), headers.get("Last-Modified"))


def read_file(path: Path) -> bytes:
    try:
        if not path.is_file():
            raise SourceFailed(f"找不到文件 {path}。")
        if path.stat().st_size > MAX_BYTES:
            raise SourceFailed(f"{path} 超过 {MAX_BYTES // 1024 // 1024} MiB，未读取。")
        return path.read_bytes()
    except OSError as exc:
        raise SourceFailed(f"无法读取 {path}：{exc.strerror or exc}。") from exc


def export_repo(root: Path) -> bytes:
    """The open data of a records repository, as ``jiebang export --format json`` writes it."""
    with tempfile.TemporaryDirectory(prefix="jiebang-export-") as out:
        try:
            written = open_data(root, Path(out), ("json",))
        except CannotRun as exc:
            raise SourceFailed(f"记录仓库 {root} 无法导出开放数据：{exc}") from exc
        except RecordErrors as exc:
            first = str(exc).strip().splitlines()[:3]
            raise SourceFailed(f"记录仓库 {root} 的记录有错误，未导出开放数据：{'；'.join(first)}") from exc
        return next(p for p in written if p.name == "records.json").read_bytes()
