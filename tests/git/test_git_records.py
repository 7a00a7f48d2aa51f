"""Reading records from git objects: revisions, dates, shallow clones."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator.errors import CannotRun
from generator.git.repo import GitRecords
from generator.records.tree import load_at
from tests.conftest import git


@pytest.fixture
def repo(committed: Path) -> Path:
    root = committed
    path = root / "records" / "lists" / "L-2024-001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: 高精度", "title: 超高精度"), encoding="utf-8")
    git(root, "commit", "-q", "-am", "Amend the list title", date="2024-06-03T09:00:00+08:00")
    return root


def test_records_at_a_revision_and_a_date(repo: Path) -> None:
    src = GitRecords(repo)
    first = load_at(src, "HEAD~1")
    assert first.corpus.lists[0].title == "高精度伺服电机绝对值编码器研制"
    assert load_at(src, "2024-06-01").corpus.lists[0].title == "高精度伺服电机绝对值编码器研制"
    assert load_at(src, "2024-06-03").corpus.lists[0].title == "超高精度伺服电机绝对值编码器研制"
    assert first.files == 15 and not first.diagnostics
    assert load_at(src, "HEAD").corpus.lists[0].source.path == "records/lists/L-2024-001.yaml"


def test_what_differs_in_the_work_tree_is_asked_of_git_without_reading_files(repo: Path) -> None:
    src = GitRecords(repo)
    listed = "records/lists/L-2024-001.yaml"
    at_first = git(repo, "rev-parse", f"HEAD~1:{listed}").strip()
    at_head = git(repo, "rev-parse", f"HEAD:{listed}").strip()
    assert src.differences("HEAD") == {}
    assert src.differences("HEAD~1") == {listed: (at_first, at_head)}  # committed: git knows the blob
    (repo / "records/bids/B-2024-002.yaml").write_text("kind: bid\n", encoding="utf-8")  # modified, not staged
    (repo / "records/awards/A-2024-001-3.yaml").unlink()
    (repo / "records/needs/N-2024-009.yaml").write_text("kind: need\n", encoding="utf-8")  # untracked
    (repo / ".gitignore").write_text("records/needs/scratch.yaml\n", encoding="utf-8")
    (repo / "records/needs/scratch.yaml").write_text("kind: need\n", encoding="utf-8")  # ignored: not a record of the repo
    found = src.differences("HEAD")
    bid = git(repo, "rev-parse", "HEAD:records/bids/B-2024-002.yaml").strip()
    award = git(repo, "rev-parse", "HEAD:records/awards/A-2024-001-3.yaml").strip()
    assert found == {
        "records/bids/B-2024-002.yaml": (bid, ""),  # "": read and hash it
        "records/awards/A-2024-001-3.yaml": (award, None),
        "records/needs/N-2024-009.yaml": (None, ""),
    }
    files = src.work_tree_files()
    assert "records/needs/N-2024-009.yaml" in files and "records/needs/scratch.yaml" not in files and len(files) == 16
    assert src.blobs_at("HEAD~1", [listed, "records/needs/N-2024-009.yaml"]) == {listed: at_first}


def test_unknown_revision_and_date_before_history(repo: Path) -> None:
    src = GitRecords(repo)
    with pytest.raises(CannotRun, match="找不到修订“nope”"):
        load_at(src, "nope")
    with pytest.raises(CannotRun, match="2020-01-01 当天或之前没有提交"):
        load_at(src, "2020-01-01")


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
        load_at(src, "HEAD~1")


def test_work_tree_files_hashed_as_git_stores_them(repo: Path) -> None:
    src = GitRecords(repo)
    listed, call = "records/lists/L-2024-001.yaml", "records/calls/C-2024-01.yaml"
    (repo / call).write_text((repo / call).read_text(encoding="utf-8") + "# 草稿\n", encoding="utf-8")
    found = src.hash_files([listed, call, "records/lists/L-2024-999.yaml"])
    assert found[listed] == git(repo, "rev-parse", f"HEAD:{listed}").strip()  # unchanged: HEAD's blob
    assert found[call] != git(repo, "rev-parse", f"HEAD:{call}").strip()  # edited: another blob
    assert set(found) == {listed, call}  # a missing file has none
