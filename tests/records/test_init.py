"""``jiebang init``: a records repository that validates, builds and passes actionlint as
generated, whose workflows install jiebang at a pinned version and run only jiebang."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from generator import __version__
from generator.cli import main
from generator.models import KINDS
from generator.records.init import PROFILES
from tests.test_github import _actionlint, _vendored, _workflow

PIN = re.compile(r"^\s*-?\s*uses: ([\w.-]+/[\w.-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def repos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("init")
    made = {}
    for profile in PROFILES:
        code, out = run("init", str(base / profile), "--profile", profile)
        assert code == 0, out
        made[profile] = base / profile
    return made


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("profile", ["shapingba", "hainan"])
def test_a_profile_validates_as_generated(repos: dict[str, Path], profile: str) -> None:
    code, out = run("validate", "--root", str(repos[profile]))
    assert (code, out.strip()) == (0, "共检查 1 个文件、1 条记录：0 个错误，0 个警告。")
    assert _yaml(repos[profile] / "records/program.yaml")["id"] == {"shapingba": "shapingba", "hainan": "hainan-jbgs"}[profile]


def test_the_blank_profile_asks_for_every_value(repos: dict[str, Path]) -> None:
    code, out = run("validate", "--root", str(repos["blank"]))
    assert code == 1 and "records/program.yaml:3:1: error S007 id 仍是占位内容“待填写”：请填写实际内容。" in out
    assert (repos["blank"] / "records/program.yaml").read_text(encoding="utf-8").count("待填写") >= 8


@pytest.mark.slow
def test_the_generated_repository_builds(repos: dict[str, Path]) -> None:
    code, out = run("build", "--root", str(repos["shapingba"]), "--today")
    assert code == 0, out
    assert "沙坪坝区科技攻关“揭榜挂帅”" in (repos["shapingba"] / "public/index.html").read_text(encoding="utf-8")


def test_modelines_resolve_to_the_written_schemas(repos: dict[str, Path]) -> None:
    root = repos["shapingba"]
    first = (root / "records/program.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/program.schema.json"
    assert (root / "records" / first.split("=", 1)[1]).resolve().is_file()
    assert {p.name for p in (root / "schemas").iterdir()} == {f"{k}.schema.json" for k in KINDS} | {"report.schema.json"}
    assert run("schemas", "--check", "--out", str(root / "schemas"))[0] == 0
    code, out = run("new", "list", "--root", str(root))
    assert code == 0 and "schemas/" not in out  # already there: not written again
    written = next((root / "records/lists").glob("L-*.yaml")).read_text(encoding="utf-8")
    assert written.startswith("# yaml-language-server: $schema=../../schemas/list.schema.json\n")


def test_workflows_pass_actionlint_and_the_workflow_schema(repos: dict[str, Path]) -> None:
    binary = _actionlint()
    if binary is None:
        pytest.skip("actionlint is not installed on this platform")
    workflows = sorted((repos["hainan"] / ".github/workflows").glob("*.yml"))
    assert [w.name for w in workflows] == ["portal.yml", "validate.yml"]
    result = subprocess.run(
        [binary, "-no-color", "-shellcheck=", "-pyflakes=", *map(str, workflows)],
        cwd=repos["hainan"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")
    for path in workflows:
        jsonschema.validate(_workflow(path), _vendored("github-workflows"))


def test_workflows_install_the_pinned_package_and_run_only_jiebang(repos: dict[str, Path]) -> None:
    github = repos["shapingba"] / ".github/workflows"
    for path in github.glob("*.yml"):
        wf = _workflow(path)
        assert wf["env"] == {"JIEBANG": f"jiebang=={__version__}"}
        runs = [s["run"] for job in wf["jobs"].values() for s in job["steps"] if "run" in s]
        assert 'python -m pip install --disable-pip-version-check "$JIEBANG"' in runs
        for command in (line.strip() for r in runs for line in r.splitlines()):
            assert not re.search(r"pytest|\.ci/|pip install -e|bash ", command), command
    portal = _workflow(github / "portal.yml")
    assert portal["on"]["schedule"] == [{"cron": "10 16 * * *"}]  # 00:10 in Beijing
    assert "jiebang build --today --strict --out public" in [s.get("run") for s in portal["jobs"]["build"]["steps"]]
    assert portal["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    validate = _workflow(github / "validate.yml")
    assert 'jiebang validate --base "$BASE" --format github' in [s.get("run") for s in validate["jobs"]["validate"]["steps"]]
    assert "jiebang build --today --offline --out public" in [s.get("run") for s in validate["jobs"]["preview"]["steps"]]


def test_third_party_actions_are_pinned_to_commits(repos: dict[str, Path]) -> None:
    files = [*sorted((repos["shapingba"] / ".github/workflows").glob("*.yml")), Path(__file__).parents[2] / "action.yml"]
    pins: dict[str, set[str]] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "uses:" in line:
                match = PIN.match(line)
                assert match, f"{path.name}: {line.strip()}"
                pins.setdefault(match[1], set()).add(match[2])
    assert {name for name, shas in pins.items() if len(shas) > 1} == set()  # one commit per action everywhere
    assert "actions/deploy-pages" in pins and "actions/checkout" in pins


def test_a_local_wheel_can_stand_in_for_the_published_package(tmp_path: Path) -> None:
    code, _ = run("init", str(tmp_path / "repo"), "--jiebang", "./dist/jiebang-0.1.0-py3-none-any.whl")
    assert code == 0
    for name in ("validate.yml", "portal.yml"):
        assert _workflow(tmp_path / "repo/.github/workflows" / name)["env"]["JIEBANG"] == "./dist/jiebang-0.1.0-py3-none-any.whl"
    hooks = _yaml(tmp_path / "repo/.pre-commit-config.yaml")["repos"][0]["hooks"]
    assert {h["additional_dependencies"][0] for h in hooks} == {"./dist/jiebang-0.1.0-py3-none-any.whl"}


def test_github_files_are_valid_and_fit_the_programme(repos: dict[str, Path]) -> None:
    root = repos["hainan"]
    form = _yaml(root / ".github/ISSUE_TEMPLATE/need.yml")
    jsonschema.validate(form, _vendored("github-issue-forms"))
    jsonschema.validate(_yaml(root / ".github/ISSUE_TEMPLATE/config.yml"), _vendored("github-issue-config"))
    industries = next(f for f in form["body"] if f.get("id") == "industry")["attributes"]["options"]
    assert industries == _yaml(root / "records/program.yaml")["industries"]
    ruleset = json.loads((root / ".github/rulesets/main.json").read_text(encoding="utf-8"))
    rules = {r["type"]: r.get("parameters") for r in ruleset["rules"]}
    assert {"deletion", "non_fast_forward"} <= set(rules)
    assert rules["pull_request"]["required_approving_review_count"] == 2 and rules["pull_request"]["require_code_owner_review"]
    checks = {c["context"] for c in rules["required_status_checks"]["required_status_checks"]}
    assert checks == {job["name"] for job in _workflow(root / ".github/workflows/validate.yml")["jobs"].values()}
    owners = [
        line.split() for line in (root / ".github/CODEOWNERS").read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    ]
    assert all(len(o) == 2 for o in owners)  # one team a line: with several, GitHub wants only one of them
    assert {f"/records/{k.folder}/" for k in KINDS.values() if k.folder} | {"/records/program.yaml"} <= {o[0] for o in owners}
    assert "/public/" in (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert json.loads((root / ".vscode/extensions.json").read_text(encoding="utf-8")) == {"recommendations": ["redhat.vscode-yaml"]}
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "notes.txt").write_text("x", encoding="utf-8")
    code, out = run("init", str(tmp_path / "repo"))
    assert code == 2 and "不是空目录" in out
    assert [p.name for p in (tmp_path / "repo").iterdir()] == ["notes.txt"]


def test_the_readme_is_in_chinese_and_names_the_pinned_version(repos: dict[str, Path]) -> None:
    text = (repos["shapingba"] / "README.md").read_text(encoding="utf-8")
    assert text.startswith("# 沙坪坝区科技攻关“揭榜挂帅”：记录仓库")
    assert f'python -m pip install "jiebang=={__version__}"' in text
    assert "redhat.vscode-yaml" in text and ".github/rulesets/main.json" in text and "@" + "JIEBANG@" not in text
