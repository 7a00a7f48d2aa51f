"""``jiebang serve`` with records that have errors: the browser shows the report (file:line,
rule, message) instead of waiting for a build that never comes, and the portal once fixed."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import make_records

pytestmark = pytest.mark.slow
LIST = "records/lists/L-2024-001.yaml"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def _wait_for(url: str, text: str, seconds: float = 90) -> tuple[int, str]:
    deadline = time.monotonic() + seconds
    last: tuple[int, str] = (0, "")
    while time.monotonic() < deadline:
        try:
            last = _get(url)
            if text in last[1]:
                return last
        except OSError:
            pass  # not listening yet
        time.sleep(0.5)
    raise AssertionError(f"{url} never showed {text!r}; last answer: {last[0]} {last[1][:300]}")


def test_serve_shows_the_findings_and_recovers(tmp_path: Path) -> None:
    root = make_records(tmp_path / "repo", edit={LIST: [["subsidy_cny: 100000", "subsidy_cny: 120000"]]})
    port = _free_port()
    jiebang = Path(sys.executable).with_name("jiebang")
    server = subprocess.Popen(
        [str(jiebang), "serve", "--root", str(root), "-a", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        home = f"http://127.0.0.1:{port}/"
        _, page = _wait_for(home, "门户未生成")
        assert "<td><code>records/lists/L-2024-001.yaml:16:11</code>" in page and "<td>F001</td>" in page
        assert "资助强度 120000 元超过重点项目上限 100000 元" in page
        code, elsewhere = _get(home + "lists/L-2024-001/")  # any other page answers at once, with the same report
        assert code == 404 and "<td>F001</td>" in elsewhere
        fixed = (root / LIST).read_text(encoding="utf-8").replace("subsidy_cny: 120000", "subsidy_cny: 100000")
        (root / LIST).write_text(fixed, encoding="utf-8")
        _, page = _wait_for(home + "lists/L-2024-001/", "高精度伺服电机绝对值编码器研制")
        assert "门户未生成" not in page
    finally:
        server.terminate()
        server.wait(timeout=30)
