"""The portal follows the calendar: a scheduled rebuild (``jiebang build --today``) shows a 公示
from its first day although no commit was made since it was merged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import dates
from generator.cli import main
from generator.portal.pipeline import PortalBuild
from tests.conftest import git, make_records

START = dt.date(2024, 7, 8)  # the base notice R-2024-002 runs 2024-07-08 – 2024-07-12


@pytest.fixture
def merged_before_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = make_records(tmp_path / "repo")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "公示 R-2024-002", date="2024-07-05T10:00:00+08:00")
    return root


def test_a_build_of_the_last_commit_keeps_its_day(merged_before_start: Path) -> None:
    built = PortalBuild(merged_before_start).run()
    assert built.view.as_of == dt.date(2024, 7, 5)
    assert "notices/R-2024-002.md" not in {p.uri for p in built.pages}


def test_today_shows_the_notice_on_its_first_day(merged_before_start: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dates, "today", lambda: START)  # the clock of the scheduled run
    out = tmp_path / "public"
    result = CliRunner().invoke(main, ["build", "--today", "--root", str(merged_before_start), "--out", str(out)])
    assert result.exit_code == 0, result.output
    notice = (out / "notices" / "R-2024-002" / "index.html").read_text(encoding="utf-8")
    assert "2024年7月8日" in notice
    assert "信息截至 2024年7月8日" in (out / "index.html").read_text(encoding="utf-8")  # the footer's date moved on


def test_today_and_as_of_exclude_each_other(merged_before_start: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--today", "--as-of", "2024-07-05", "--root", str(merged_before_start)])
    assert result.exit_code == 2 and "--today 与 --as-of 不能同时使用" in result.output
