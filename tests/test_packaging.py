"""Ready for PyPI: the sdist carries the tests and what they read, and they run from it;
the wheel carries the templates, schemas and assets the commands need; the metadata is
what PyPI accepts and its README links work off GitHub."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from generator import __version__
from tests.conftest import REPO

pytestmark = pytest.mark.slow
NAME = f"jiebang-{__version__}"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist, and the wheel built from it (python -m build builds the wheel from the sdist)."""
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(REPO)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


def test_the_sdist_carries_the_tests_and_what_they_read(dist: Path) -> None:
    with tarfile.open(dist / f"{NAME}.tar.gz") as sdist:
        names = {n.removeprefix(f"{NAME}/") for n in sdist.getnames()}
    for needed in (
        "tests/conftest.py",
        "tests/fixtures/base/records/program.yaml",
        "tests/rules/cases/F001.yaml",
        "records/program.yaml",
        "schemas/report.schema.json",
        "docs/rules.md",
        ".github/workflows/validate.yml",
        "action.yml",
        "mkdocs.yml",
        "generator/records/templates/gitignore",
    ):
        assert needed in names, needed
    assert not [
        n for n in names if "__pycache__" in n or "node_modules/" in n or n.startswith((".venv/", "public/", "docs/images/editor/dist/"))
    ]


def test_tests_run_from_the_unpacked_sdist(dist: Path, tmp_path: Path) -> None:
    with tarfile.open(dist / f"{NAME}.tar.gz") as sdist:
        sdist.extractall(tmp_path, filter="data")
    unpacked = tmp_path / NAME
    where = subprocess.run(
        [sys.executable, "-c", "import generator; print(generator.__file__)"], cwd=unpacked, capture_output=True, text=True
    )
    assert Path(where.stdout.strip()).is_relative_to(unpacked)  # the sdist's code, not the checkout's
    subset = ["tests/records/test_messages.py", "tests/test_cli.py", "tests/rules/test_catalogue.py"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *subset], cwd=unpacked, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(r"\d+ passed", result.stdout)


def test_the_wheel_carries_templates_schemas_and_assets(dist: Path) -> None:
    with zipfile.ZipFile(dist / f"{NAME}-py3-none-any.whl") as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(f"{NAME}.dist-info/METADATA").decode("utf-8")
    for needed in (
        "generator/report.schema.json",
        "generator/records/templates/gitignore",
        "generator/records/templates/github/CODEOWNERS",
        "generator/records/templates/github/workflows/portal.yml",
        "generator/records/templates/program/hainan.yaml",
        "generator/portal/theme/assets/jiebang/file-worker.js",
        "generator/portal/mkdocs.yml",
        "generator/py.typed",
    ):
        assert needed in names, needed
    assert not [n for n in names if n.startswith("tests/")]
    assert f"Version: {__version__}" in metadata and "Project-URL: Source, https://github.com/example/jiebang" in metadata


def test_metadata_is_what_pypi_accepts() -> None:
    import trove_classifiers

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert [c for c in project["classifiers"] if c not in trove_classifiers.classifiers] == []
    assert project["keywords"] and set(project["urls"]) >= {"Homepage", "Source", "Issues", "Documentation"}
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    relative = [target for target in re.findall(r"\]\(([^)]+)\)", readme) if not target.startswith(("https://", "#"))]
    assert relative == []  # PyPI renders the README away from the repository
