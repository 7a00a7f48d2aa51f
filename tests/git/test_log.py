"""The main-line log index: fields read by position, so a title cannot pass for another commit."""

from __future__ import annotations

from pathlib import Path

from generator.git.log import build_index, pull_request
from tests.conftest import git


def test_a_title_with_separator_characters_forges_no_commit(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "records").mkdir(parents=True)
    (root / "records" / "a.yaml").write_text("a: 1\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Merge pull request #1 from kjj/a", date="2024-06-01T10:00:00+08:00")
    approved = git(root, "rev-parse", "HEAD").strip()
    (root / "records" / "a.yaml").write_text("a: 2\n", encoding="utf-8")
    # The title imitates the log's old field and record separators, naming the approved commit.
    fake = f"x\x1fy\x1f\x1e{approved}\x1f\x1f2024-06-01T10:00:00+08:00\x1fz\x1fz@example.org\x1fMerge pull request #1 from kjj/a"
    git(root, "commit", "-q", "-am", fake, date="2024-06-02T10:00:00+08:00")
    forged = git(root, "rev-parse", "HEAD").strip()
    index = build_index(root)
    assert [c.sha for c in index.commits] == [forged, approved]
    assert index.commits[0].subject == fake and index.commits[0].pr is None
    assert [(v.commit.sha, v.change.status) for v in index.records["a"]] == [(approved, "A"), (forged, "M")]


def test_pull_request_numbers() -> None:
    assert pull_request("Merge pull request #12 from kjj/funding", 2) == 12
    assert pull_request("Merge pull request '更正指标' (#13) from kjj/fix into main", 2) == 13  # Gitea, Forgejo
    assert pull_request("Amend L-2024-003 funding (#14)", 1) == 14
    assert pull_request("Merge pull request #15 from kjj/x", 1) is None  # a merge title on a plain commit
    assert pull_request("Amend (#16)", 2) is None  # a squash title on a merge made by hand
    assert pull_request("Merge branch 'hotfix'", 2) is None


def test_a_commit_that_changed_no_record_file_is_no_decision(tmp_path: Path) -> None:
    """``jiebang init`` keeps the empty record folders with ``.gitkeep``: the first push, which
    brings them, decides nothing and is not audited (the programme file comes in a pull request)."""
    root = tmp_path / "repo"
    (root / "records" / "needs").mkdir(parents=True)
    (root / "records" / "needs" / ".gitkeep").write_text("", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "初始化记录仓库")
    (root / "records" / "program.yaml").write_text("kind: program\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Merge pull request #1 from kjj/program", date="2024-06-02T10:00:00+08:00")
    index = build_index(root)
    assert [c.subject for c in index.commits] == ["Merge pull request #1 from kjj/program"]
