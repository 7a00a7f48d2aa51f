"""Reading records from git objects: revisions, dates, shallow clones."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator.history.repo import GitRecords
from generator.validate import CannotRun
from tests.conftest import git, make_records


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_records(tmp_path / "repo")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Initial records", date="2024-05-30T09:00:00+08:00")
    path = root / "records" / "lists" / "L-2024-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: 高精度", "title: 超高精度"), encoding="utf-8")
    git(root, "commit", "-q", "-am", "Amend the list title", date="2024-06-03T09:00:00+08:00")
    return root


def test_records_at_a_revision_and_a_date(repo: Path) -> None:
    src = GitRecords(repo)
    first = src.load_at("HEAD~1")
    assert first.corpus.lists[0].title == "高精度伺服电机绝对值编码器研制"
    assert src.load_at("2024-06-01").corpus.lists[0].title == "高精度伺服电机绝对值编码器研制"
    assert src.load_at("2024-06-03").corpus.lists[0].title == "超高精度伺服电机绝对值编码器研制"
    assert first.files == 15 and not first.diagnostics
    assert src.load_at("HEAD").corpus.lists[0].source.path == "records/lists/L-2024-001.yaml"


def test_cache_reuses_unchanged_blobs(repo: Path) -> None:
    src = GitRecords(repo)
    cache: dict = {}
    src.load_at("HEAD~1", cache)
    assert len(cache) == 15
    src.load_at("HEAD", cache)
    assert len(cache) == 16  # only the changed list was checked again


def test_unknown_revision_and_date_before_history(repo: Path) -> None:
    src = GitRecords(repo)
    with pytest.raises(CannotRun, match="找不到修订“nope”"):
        src.load_at("nope")
    with pytest.raises(CannotRun, match="2020-01-01 当天或之前没有提交"):
        src.load_at("2020-01-01")


def test_not_a_repo(tmp_path: Path) -> None:
    with pytest.raises(CannotRun, match="不是 git 仓库"):
        GitRecords(tmp_path)


def test_shallow_clone_is_refused(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    src = GitRecords(clone)
    assert src.shallow
    with pytest.raises(CannotRun, match="浅克隆"):
        src.require_full_history()
    with pytest.raises(CannotRun, match="fetch --unshallow"):
        src.load_at("HEAD~1")
