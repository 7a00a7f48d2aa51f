"""An override's reason is public text (the decision log prints it): it is checked like a
record's text (SPEC §7), so a reason that would publish what the override hides, personal
data or a classification marking excuses nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.changes import validate_change
from generator.diagnostics import ERROR, INFO
from tests.changes.test_changes import TODAY, commit, event
from tests.conftest import git

LIST = "records/lists/L-2024-001.yaml"
TAKEDOWN = {LIST: [["restricted: false", "restricted: true"]]}


@pytest.fixture
def repo(committed: Path) -> Path:
    git(committed, "checkout", "-q", "-b", "change")
    return committed


def levels(root: Path, tmp_path: Path, reason: str) -> tuple[list[str], list[str]]:
    body = f"Policy-Override: C005 L-2024-001 {reason}\n"
    report = validate_change(root, "main", today=TODAY, event=event(tmp_path, body))
    return [str(d.level) for d in report.sorted() if d.rule == "C005"], [n.message for n in report.notes]


def test_a_plain_reason_excuses_the_takedown(repo: Path, tmp_path: Path) -> None:
    commit(repo, edit=TAKEDOWN)
    found, notes = levels(repo, tmp_path, "依法院裁定撤下")
    assert found == [str(INFO)] and notes[0].startswith("已采纳")


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("应需求单位要求撤下 L-2024-001", "非公开记录 L-2024-001"),  # the id of the record taken down
        ("撤下高精度伺服电机绝对值编码器研制", "非公开记录 L-2024-001 的名称"),  # its title
        ("联系人电话 13800138000", "手机号 138****8000"),  # P001
        ("该项目已定为机密", "密级标志"),  # P002
        ("见 <img src=x onerror=alert(1)>", "on…= 事件处理属性"),  # P003
    ],
)
def test_a_reason_that_would_publish_what_it_must_not_excuses_nothing(repo: Path, tmp_path: Path, reason: str, said: str) -> None:
    commit(repo, edit=TAKEDOWN)
    found, notes = levels(repo, tmp_path, reason)
    assert found == [str(ERROR)]
    assert len(notes) == 1 and notes[0].startswith("未采纳拉取请求 #12 的说明中的豁免") and "豁免理由会在决策记录中公开" in notes[0]
    assert said in notes[0], notes[0]
    json.dumps(notes)  # plain text, as the report carries it
