"""``jiebang demo``: the demo programme's history as signed pull-request merges at the
records' own dates, every state valid, every merge a verified approval that passes the
change rules, and a portal that shows real histories."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.changes import validate_change
from generator.cli import main
from generator.dates import SHANGHAI
from generator.git import writer
from generator.portal.build import build_portal
from generator.records.demo import PROGRAMMES
from generator.records.tree import load_tree
from generator.validate import validate
from tests.conftest import REPO

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (REPO / "records" / "program.yaml").is_file(), reason="the demo records are not in this checkout"),
]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="session")
def demos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each demo programme generated once (``jiebang demo DIR --programme NAME``)."""
    made = {}
    for name in PROGRAMMES:
        root = tmp_path_factory.mktemp("demo") / name
        code, out = run("demo", str(root), "--programme", name)
        assert code == 0, out
        made[name] = root
    return made


@pytest.fixture(scope="session")
def demo(demos: dict[str, Path]) -> Path:
    return demos["shapingba"]


@pytest.fixture(scope="session")
def portal(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's portal as ``bash .ci/build`` builds it: as of the last merge's day (no
    SOURCE_DATE_EPOCH, whatever another module's session fixture has set)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        return build_portal(demo, tmp_path_factory.mktemp("portal") / "public")


def main_line(root: Path) -> list[tuple[str, str, dt.date]]:
    """Each main-line commit after the first: (commit, first parent, day in Beijing)."""
    out = subprocess.run(
        ["git", "log", "--first-parent", "--reverse", "--format=%H %P %cI"], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in out.splitlines()]
    return [(r[0], r[1], dt.datetime.fromisoformat(r[-1]).astimezone(SHANGHAI).date()) for r in rows[1:]]


def git_text(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def section(html: str, anchor: str) -> str:
    """The part of a page from the heading ``anchor`` to the next second-level heading."""
    start = html.index(f'id="{anchor}"')
    end = html.find("<h2", start)
    return html[start : end if end > 0 else len(html)]


def test_the_demo_ends_as_the_shipped_records_stand(demo: Path) -> None:
    shipped = {p.relative_to(REPO).as_posix(): p.read_text(encoding="utf-8") for p in (REPO / "records").rglob("*.yaml")}
    made = {p.relative_to(demo).as_posix(): p.read_text(encoding="utf-8") for p in (demo / "records").rglob("*.yaml")}
    assert made == shipped
    assert git_text(demo, "status", "--porcelain") == ""  # the work tree is the last merge
    assert validate(demo).exit_code == 0


def test_every_record_change_is_a_signed_pull_request_merge_at_its_own_date(demo: Path) -> None:
    merges = main_line(demo)
    assert len(merges) > 100
    subjects = git_text(demo, "log", "--first-parent", "--format=%s", "HEAD~1..HEAD", "HEAD~2..HEAD~1")
    assert re.fullmatch(r"(Merge pull request #\d+ from kjj/\S+\n)+", subjects)
    days = [day for _, _, day in merges]
    assert days == sorted(days) and days[0] == dt.date(2024, 1, 8)
    notice = git_text(demo, "log", "--first-parent", "-1", "--format=%cI", "--grep=#123 from kjj/review-R-2026-008").strip()
    assert notice.startswith("2026-11-13")  # R-2026-008's date
    code, out = run("audit", "--root", str(demo))
    assert code == 0, out
    assert f"共审计主线上 {len(merges)} 个改动记录的提交：全部经过批准" in out
    assert not list(demo.rglob("*.pub")) and "PRIVATE KEY" not in git_text(demo, "log", "-p", "--all")  # the keys were discarded


def test_history_shows_each_version_with_its_verified_approver(demo: Path) -> None:
    code, out = run("history", "L-2024-009", "--root", str(demo))
    assert code == 0, out
    assert "L-2024-009 的历史：5 个版本" in out
    assert re.search(r"2024-09-20  修改  \w+  已验证签名：陈立新（合并 PR #\d+）", out)  # the 更正公告
    assert "考核指标 I3 › 考核方式：实验室台架测试 → 第三方台架测试报告及需求单位现场运行记录" in out
    assert re.search(r"2024-07-05  新建  \w+  已验证签名：王建华（合并 PR #\d+）", out)  # drafted two weeks before its argumentation


@pytest.mark.parametrize("name", sorted(PROGRAMMES))
def test_every_state_is_valid_and_every_merge_passes_the_change_rules(
    name: str, demos: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What CI checks on each pull request: ``jiebang validate --base <main before it>`` on the
    merged tree, on the day it was merged; an override counts from the approving merge."""
    monkeypatch.setenv("JIEBANG_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "clone"
    shutil.copytree(demos[name], root)
    notes = []
    for sha, parent, day in main_line(root):
        git_text(root, "checkout", "-q", "--detach", sha)
        report = validate_change(root, parent, today=day)
        assert (report.exit_code, [f"{d.path}:{d.line}: {d.rule} {d.message}" for d in report.sorted() if d.level != "info"]) == (0, [])
        notes += [(day, d.rule, d.record) for d in report.sorted() if d.level == "info"]
    if name == "shapingba":  # the one takedown, excused by the override in its merge
        assert notes == [(dt.date(2024, 9, 5), "C005", "L-2024-010")]


def test_the_takedown_is_overridden_in_the_approving_merge(demo: Path) -> None:
    message = git_text(demo, "log", "--first-parent", "-1", "--format=%B", "--grep=kjj/takedown-L-2024-010")
    assert re.search(r"^Policy-Override: C005 L-2024-010 \S+", message, re.MULTILINE)
    branch = git_text(demo, "log", "-1", "--format=%B", "--grep=撤下公开", "--no-merges")
    assert "Policy-Override" not in branch  # a branch commit's override would count for nothing


def test_the_home_page_shows_an_open_call_and_a_notice_under_way(portal: Path) -> None:
    home = (portal / "index.html").read_text(encoding="utf-8")
    assert "2026年11月18日" in home  # the day of the last merge
    assert 'href="calls/C-2026-02/"' in section(home, "正在征集") and "剩余 23 天" in section(home, "正在征集")
    assert 'href="notices/R-2026-008/"' in section(home, "正在公示")


def test_the_decision_log_is_verified_and_shows_the_amendment_override_and_objection(portal: Path) -> None:
    text = html.unescape(re.sub(r"<[^>]+>", "", (portal / "decisions" / "index.html").read_text(encoding="utf-8")))
    assert "全部变更均为已验证签名的合并请求" in text and "未经批准" not in text
    assert "已验证签名：陈立新（合并）" in text and "已验证签名：王建华（合并）" in text and "已验证签名：赵敏（合并）" in text
    assert "例外 C005：经区保密审查" in text  # the takedown's override, the record itself not named
    assert "L-2024-010" not in text
    assert "更正公告：新增 更正日期 2024-09-20" in text
    assert "异议摘要 来信反映揭榜单位申报材料所列发明专利尚未授权" in text and "处理结果：处理中 → 不成立" in text
    assert "信任根：.github/allowed_signers 的首个版本" in text


def test_as_of_builds_show_the_programme_as_it_stood(demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's example: ``jiebang build --as-of 2024-06-01``."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    code, out = run("build", "--root", str(demo), "--as-of", "2024-06-01", "--out", str(tmp_path / "then"))
    assert code == 0, out
    home = (tmp_path / "then" / "index.html").read_text(encoding="utf-8")
    assert "2024年6月1日" in home
    assert 'href="calls/C-2024-01/"' in section(home, "正在征集")
    assert "notices/" not in section(home, "正在公示").replace('href="notices/"', "")  # no notice yet
    assert not (tmp_path / "then" / "lists" / "L-2024-006").exists()  # not yet published
    lists = {p.name for p in (tmp_path / "then" / "lists").iterdir() if p.is_dir()}
    assert lists == {f"L-2024-00{n}" for n in range(1, 6)}


def test_the_hainan_demo_is_verified_too(demos: dict[str, Path]) -> None:
    root = demos["hainan"]
    code, out = run("audit", "--root", str(root))
    assert code == 0 and "全部经过批准" in out, out
    shipped = REPO / "examples" / "hainan" / "records"
    assert load_tree(root).corpus.by_id.keys() == load_tree(shipped.parent).corpus.by_id.keys()


def test_demo_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "kept.txt").write_text("x", encoding="utf-8")
    code, out = run("demo", str(tmp_path))
    assert code == 2 and "已存在且不是空目录" in out
    assert [p.name for p in tmp_path.iterdir()] == ["kept.txt"]


def test_a_failed_demo_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = shutil.which
    monkeypatch.setattr(writer.shutil, "which", lambda name: None if name == "ssh-keygen" else real(name))
    code, out = run("demo", str(tmp_path / "demo"))
    assert code == 2 and "找不到 ssh-keygen" in out
    assert list(tmp_path.iterdir()) == []


def test_the_officials_guide_cites_the_demo_pull_requests_it_names(demo: Path) -> None:
    """docs/officials.md points at the demo's pull requests as examples: they are the ones it says."""
    guide = (REPO / "docs" / "officials.md").read_text(encoding="utf-8")
    merges = git_text(demo, "log", "--first-parent", "--format=%s")
    for number, stage in ((63, "takedown"), (66, "amendment"), (72, "withdrawn"), (78, "objection"), (80, "publicity-end")):
        assert f"PR #{number}" in guide
        assert f"Merge pull request #{number} from kjj/{stage}-" in merges
