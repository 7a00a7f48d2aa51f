"""The composite action at the repository's root: a records repository's workflow calls
jiebang in one step (check, build, preview), and actionlint reads its inputs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.conftest import REPO, git
from tests.test_github import _actionlint, _vendored

ACTION = REPO / "action.yml"
CALLER = """\
name: records
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          fetch-depth: 0
      - uses: ./
        with:
          command: check
      - id: portal
        uses: ./
        with:
          command: preview
          out: preview
      - run: test -f "$SITE/index.html"
        env:
          SITE: ${{ steps.portal.outputs.site }}
"""


def test_the_action_follows_the_action_schema() -> None:
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    jsonschema.validate(action, _vendored("github-actions"))
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"command", "base", "out", "version", "python-version"}


def test_the_action_installs_and_runs_only_jiebang() -> None:
    steps = yaml.safe_load(ACTION.read_text(encoding="utf-8"))["runs"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert 'python -m pip install --disable-pip-version-check "jiebang==$VERSION"' in runs  # from PyPI
    assert 'python -m pip install --disable-pip-version-check "$SOURCE"' in runs  # or the action's own source
    assert "jiebang validate --base" in runs and "jiebang build --today $OFFLINE" in runs
    assert "pytest" not in runs and ".ci/" not in runs


@pytest.mark.parametrize(("extra", "clean"), [("", True), ("          bogus: 1\n", False)])
def test_a_caller_passes_actionlint(tmp_path: Path, extra: str, clean: bool) -> None:
    binary = _actionlint()
    if binary is None:
        pytest.skip("actionlint is not installed on this platform")
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / "action.yml").write_text(ACTION.read_text(encoding="utf-8"), encoding="utf-8")
    caller = CALLER.replace("          command: check\n", "          command: check\n" + extra)
    (tmp_path / ".github/workflows/records.yml").write_text(caller, encoding="utf-8")
    git(tmp_path, "init", "-q")
    result = subprocess.run([binary, "-no-color", "-shellcheck=", "-pyflakes="], cwd=tmp_path, capture_output=True, text=True, check=False)
    if clean:
        assert (result.returncode, result.stdout + result.stderr) == (0, "")
    else:  # actionlint read the action's inputs
        assert result.returncode == 1 and 'input "bogus" is not defined in action "jiebang"' in result.stdout
