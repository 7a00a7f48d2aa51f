"""History on the built portal: 历史 sections, the 决策记录 page, --as-of builds, shallow clones."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import git
from tests.history.history_repo import LIST, add_disclosures, build_history_repo, merger_key
from tests.portal.conftest import page, site_files

pytestmark = pytest.mark.slow

PULL = "https://github.com/example/jiebang-records/pull/"


def jiebang_build(root: Path, out: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return result.output


def text(page_html: str) -> str:
    """The visible text of a page's article, tags dropped, entities decoded."""
    article = page_html[page_html.index("<article") : page_html.index("</article>")]
    return html.unescape(re.sub(r"<[^>]+>", "", article))


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_history_repo(tmp_path_factory.mktemp("history-portal") / "repo")


@pytest.fixture(scope="module")
def site(repo: Path) -> Path:
    out = repo.parent / "site"
    jiebang_build(repo, out)
    return out


def test_record_page_has_timeline_pr_links_and_field_changes(site: Path) -> None:
    raw = page(site, "lists/L-2024-001")
    assert f'<a href="{PULL}1">PR #1</a>' in html.unescape(raw)
    body = text(raw)
    history = body[body.index("历史") :]
    assert "状态变化：2024年5月30日 已截止 → 2024年6月10日 已揭榜（PR #2） → 2024年6月20日 已截止" in history
    assert "2024年6月3日　修改　PR #1，已验证签名：张三（合并），批准人列出的审核人：张三、李四" in history
    assert '<span class="jb-verified">已验证签名：张三（合并）</span>' in raw
    assert "资助强度 › 财政资助强度（元）：100000 → 80000" in history
    assert "考核指标 I3：新增 指标编号 I3，指标名称 功耗，目标值 ≤0.5 W，考核方式 第三方检测报告" in history
    assert "榜单论证" not in history and "来源需求" not in history  # argumentation and needs changed: not public fields
    assert history.index("2024年6月20日　修改") < history.index("2024年6月3日　修改")  # newest first
    assert "2024年6月20日　修改　提交 " in history
    assert "未经批准：未经合并请求（PR）直接进入主线；没有签名；方案要求列出审核人，但提交没有 Approved-by 或 Reviewed-by 尾注" in history


def test_decision_log_page(repo: Path, site: Path) -> None:
    raw = page(site, "decisions")
    body = text(raw)
    assert "未经批准的变更：3 项" in body
    assert "PR #4，已验证签名：张三（合并），批准人列出的审核人：张三 例外 C001：法院判决要求删除" in body
    assert "另有 1 条非公开记录的变更" in body  # the deleted bid is counted, never named
    days = re.findall(r"(\d{4}年\d{1,2}月\d{1,2}日)　(?:PR|提交)", body[body.index("未经批准的变更") :])
    entries = days[3:]  # after the three in the warning box
    assert entries[:2] == ["2024年6月28日", "2024年6月25日"] and entries[-1] == "2024年5月30日"
    assert f'href="{PULL}3"' in html.unescape(raw)
    trust = body[body.index("批准的核验") :]
    root = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()[:10]
    assert f"信任根：.github/allowed_signers 的首个版本（2024年5月30日，提交 {root}）按原样信任" in trust
    assert f"张三：{merger_key(repo).fingerprint}" in trust


def test_no_email_or_hidden_record_anywhere(site: Path) -> None:
    for rel, content in site_files(site):
        plain = html.unescape(content)
        assert "zhang@example.org" not in plain, rel
        assert "B-2024-002" not in plain, rel  # deleted by PR #4
        assert "N-2024-002" not in plain, rel  # a need, named in a field change


def test_as_of_builds_the_portal_as_it_stood(repo: Path) -> None:
    before = (repo / LIST).exists(), git(repo, "status", "--porcelain"), git(repo, "rev-parse", "HEAD")
    out = repo.parent / "as-of"
    output = jiebang_build(repo, out, "--as-of", "2024-06-05")
    assert "截至 2024-06-05" in output
    body = text(page(site=out, url="lists/L-2024-001"))
    assert "不超过 8 万元" in body  # PR #1 (2024-06-03) had lowered it
    assert "PR #1" in body and "PR #2" not in body  # the award came later
    decisions = text(page(out, "decisions"))
    assert "PR #1" in decisions and "PR #3" not in decisions
    assert "信息截至 2024年6月5日" in page(out, "lists/L-2024-001")
    # the list was read from git where it stood then; the work tree (where it has moved) is untouched
    assert before == ((repo / LIST).exists(), git(repo, "status", "--porcelain"), git(repo, "rev-parse", "HEAD"))
    assert before[0] is False


def test_as_of_before_the_first_commit_exits_2(repo: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--root", str(repo), "--out", str(tmp_path / "x"), "--as-of", "2020-01-01"])
    assert result.exit_code == 2
    assert "2020-01-01 当天或之前没有提交" in result.output


def test_shallow_clone_builds_with_a_note(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    out = tmp_path / "site"
    jiebang_build(clone, out)
    note = "本次生成时仓库是浅克隆（shallow clone），历史不完整，各记录的变更历史与决策记录从略"
    lst = text(page(out, "lists/L-2024-001"))
    assert note in lst and "PR #1" not in lst
    assert note in text(page(out, "decisions"))


def test_restricted_history_never_reaches_the_portal(tmp_path: Path) -> None:
    root = add_disclosures(build_history_repo(tmp_path / "repo"))
    out = tmp_path / "site"
    jiebang_build(root, out, "--as-of", "2024-07-10")  # the notice R-2024-002 is out from 2024-07-08
    disclosed = text(page(out, "lists/L-2024-005"))
    history = disclosed[disclosed.index("历史") :]
    assert "2024年7月3日　公开　PR #7，已验证签名：张三（压缩合并），批准人列出的审核人：张三" in history
    assert "PR #6" not in history and "名称" not in history  # no version, no change from the restricted time
    notice = text(page(out, "notices/R-2024-002"))
    # corrected on 2024-07-01, before its 公示 began: the public never saw the text before that
    assert "2024年7月1日　公开　PR #5" in notice and "项目公示 › 异议受理方式" not in notice
    assert "王某某" not in notice and "建议资助" not in notice
    decisions = text(page(out, "decisions"))
    assert "2024年7月4日　提交" in decisions and "另有 1 条非公开记录的变更" in decisions
    for rel, content in site_files(out):
        plain = html.unescape(content)
        assert "L-2024-006" not in plain and "特种" not in plain, rel
