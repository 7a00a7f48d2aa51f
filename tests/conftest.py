"""Shared test helpers: a throwaway copy of the base record set with edits applied."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
BASE = FIXTURES / "base"
REPO = Path(__file__).parent.parent


def make_records(
    root: Path,
    edit: Mapping[str, Sequence[Sequence[str]]] | None = None,
    write: Mapping[str, str] | None = None,
    delete: Sequence[str] = (),
) -> Path:
    """Copy the base fixture to ``root`` and apply text edits: ``edit`` replaces
    ``[old, new]`` pairs (each old must occur exactly once), ``write`` sets whole files,
    ``delete`` removes files."""
    shutil.copytree(BASE, root, dirs_exist_ok=True)
    return apply_edits(root, edit, write, delete)


def apply_edits(
    root: Path,
    edit: Mapping[str, Sequence[Sequence[str]]] | None = None,
    write: Mapping[str, str] | None = None,
    delete: Sequence[str] = (),
) -> Path:
    """Apply ``make_records``' edits to the files already under ``root``."""
    for rel, pairs in (edit or {}).items():
        path = root / rel
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert text.count(old) == 1, f"{rel}: {old!r} occurs {text.count(old)} times"
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    for rel, text in (write or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for rel in delete:
        (root / rel).unlink()
    return root


def git(root: Path, *args: str, date: str = "2024-06-01T10:00:00+08:00", env: Mapping[str, str] | None = None) -> str:
    """Run git in ``root`` with a fixed author, committer and date (never a remote);
    ``env`` adds to or overrides those variables."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "区科技局",
        "GIT_AUTHOR_EMAIL": "kjj@example.org",
        "GIT_COMMITTER_NAME": "区科技局",
        "GIT_COMMITTER_EMAIL": "kjj@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        **(env or {}),
    }
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def change_repo(root: Path) -> Path:
    """The base record set committed on ``main`` in a new repository at ``root``, with a
    branch ``change`` checked out: where a change is made and validated against main."""
    make_records(root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Initial records", date="2024-07-01T09:00:00+08:00")
    git(root, "checkout", "-q", "-b", "change")
    return root


@pytest.fixture
def records(tmp_path: Path):  # type: ignore[no-untyped-def]
    """``records(edit=…, write=…, delete=…)`` → a repo root with the edited base set."""

    def build(**kw):  # type: ignore[no-untyped-def]
        return make_records(tmp_path / "repo", **kw)

    return build


@pytest.fixture
def mkdocs_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """What MkDocs and the plugin log (the command line stops it from reaching the root logger)."""
    logger = logging.getLogger("mkdocs")
    logger.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        logger.removeHandler(caplog.handler)


@pytest.fixture
def committed(tmp_path: Path) -> Path:
    """The base set committed once (2024-05-30) to a new repository on branch main."""
    root = make_records(tmp_path / "repo")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Initial records", date="2024-05-30T09:00:00+08:00")
    return root
