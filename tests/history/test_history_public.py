"""What the portal may show of history: public records only, private fields and
restricted versions left out, the decision log with approvals and overrides."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from generator.git.repo import GitRecords
from generator.history.provider import Change, history_providers, value_text
from generator.history.public import PortalHistory, portal_history
from generator.public.view import PublicView
from generator.records.tree import load_at
from tests.history.history_repo import add_disclosures, build_history_repo, merger_key

TODAY = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return add_disclosures(build_history_repo(tmp_path_factory.mktemp("public") / "repo"))


@pytest.fixture(scope="module")
def portal(repo: Path) -> PortalHistory:
    src = GitRecords(repo)
    return portal_history(src, PublicView(load_at(src, "HEAD").corpus, TODAY))


def test_histories_only_for_public_records(portal: PortalHistory) -> None:
    assert portal.note is None
    assert "L-2024-001" in portal.histories and "shapingba" in portal.histories
    assert "L-2024-006" not in portal.histories  # restricted now
    assert "N-2024-001" not in portal.histories  # needs are never public
    h = portal.histories["L-2024-001"]
    assert [(v.action, v.commit.pr) for v in h.versions] == [
        ("changed", None),
        ("renamed", 3),
        ("changed", 2),
        ("changed", 1),
        ("created", None),
    ]
    assert [s.status for s in h.timeline] == ["closed", "awarded", "closed"]


def test_fields_off_the_allow_list_never_in_field_changes(portal: PortalHistory) -> None:
    squash = portal.histories["L-2024-001"].versions[2]
    # needs (N-2024-002 added) and argumentation (set to null) changed too: neither is a public field of a list
    assert [c.text() for c in squash.changes] == ["status: closed → awarded"]


def test_a_notice_corrected_before_its_publicity_shows_no_earlier_text(portal: PortalHistory) -> None:
    # the panel, the opinion and the objection channel changed on 2024-07-01, before the 公示 began
    # on 2024-07-08: the public never saw the earlier text, so the notice starts with its disclosure
    assert [(v.action, v.commit.pr, v.changes) for v in portal.histories["R-2024-002"].versions] == [("disclosed", 5, ())]


def test_versions_while_restricted_are_left_out(portal: PortalHistory) -> None:
    h = portal.histories["L-2024-005"]
    assert [(v.action, v.commit.pr, v.changes) for v in h.versions] == [("disclosed", 7, ())]
    assert [(s.status, s.commit.pr) for s in h.timeline] == [("closed", 7)]


def test_decision_log(portal: PortalHistory) -> None:
    by_day = {(e.commit.day.isoformat(), e.commit.pr): e for e in portal.log}
    assert list(by_day)[:4] == [("2024-07-04", None), ("2024-07-03", 7), ("2024-07-01", 5), ("2024-06-28", None)]
    retitle = by_day[("2024-07-04", None)]  # unapproved, touched only a restricted list: counted, never named
    assert (retitle.approved, retitle.records, retitle.hidden) == (False, (), 1)
    assert ("2024-07-02", 6) not in by_day  # approved, and nothing in it is public
    assert [r.id for r in by_day[("2024-07-03", 7)].records] == ["L-2024-005"]
    takedown = by_day[("2024-06-25", 4)]  # an override is always shown; the deleted bid is not named
    assert takedown.records == () and takedown.hidden == 1 and takedown.approved
    assert [(o.rule, o.reason) for o in takedown.commit.overrides] == [("C001", "法院判决要求删除")]
    funding = by_day[("2024-06-03", 1)]
    assert funding.approved and funding.commit.approvers == ("张三 <zhang@example.org>", "李四")
    assert portal.ledger is not None and portal.ledger.approval(funding.commit.sha).approver == "张三"
    assert [r.id for r in funding.records] == ["B-2024-001", "L-2024-001"]  # the bid is public: selected, 公示 started
    assert "funding.subsidy_cny: 100000 → 80000" in [c.text() for c in funding.records[1].changes]
    revert = by_day[("2024-06-20", None)]
    assert revert.reasons == ("no-pr", "unsigned", "no-approver") and [r.id for r in revert.records] == ["L-2024-001"]


def test_shallow_clone_gives_a_note_not_a_failure(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    src = GitRecords(clone)
    found = portal_history(src, PublicView(load_at(src, "HEAD").corpus, TODAY))
    assert found.histories == {} and found.log == []
    assert found.note is not None and "浅克隆" in found.note


def test_page_data_links_and_names(repo: Path) -> None:
    src = GitRecords(repo)
    providers = history_providers(src, PublicView(load_at(src, "HEAD").corpus, TODAY))
    h = providers.history("L-2024-001")
    assert h is not None and h.note is None
    funding = h.versions[3].decision
    assert (funding.pr, funding.pr_url, funding.reviewers) == (1, "https://github.com/example/jiebang-records/pull/1", ("张三", "李四"))
    assert (funding.verified, funding.verdict, funding.reviewers_label) == (True, "已验证签名：张三（合并）", "批准人列出的审核人")
    revert = h.versions[0].decision
    assert (revert.verified, revert.verdict) == (False, "未经批准：未经合并请求（PR）直接进入主线；没有签名")
    assert revert.problem_text.startswith("未经批准：未经合并请求（PR）直接进入主线；没有签名；方案要求列出审核人")
    assert h.versions[3].changes[2] == Change("funding.subsidy_cny", "资助强度 › 财政资助强度（元）", "changed", "100000", "80000")
    assert providers.history("N-2024-001") is None
    log = providers.decisions(frozenset({"L-2024-001"}))
    assert [e.decision.date.isoformat() for e in log.unapproved] == ["2024-07-04", "2024-06-28", "2024-06-20", "2024-05-30"]
    assert log.entries[1].records == () and log.entries[1].hidden == 1  # L-2024-005 is not among the ids given
    assert log.trust is not None and log.trust.root_date is not None and log.trust.root_date.isoformat() == "2024-05-30"
    assert [(k.name, k.fingerprint) for k in log.trust.root_keys] == [("张三", merger_key(repo).fingerprint)]
    assert log.trust.keys == () and log.trust.platform == () and log.trust.ignored == ()


def test_page_data_when_history_is_missing(tmp_path: Path) -> None:
    root = build_history_repo(tmp_path / "repo")
    corpus = load_at(GitRecords(root), "HEAD").corpus
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{root}", str(clone)], check=True)
    providers = history_providers(clone, PublicView(corpus, TODAY))
    h = providers.history("L-2024-001")
    assert h is not None and h.versions == () and h.note is not None and "浅克隆" in h.note
    assert providers.decisions(frozenset()).note == h.note
    plain = history_providers(tmp_path, PublicView(corpus, TODAY)).decisions(frozenset())
    assert plain.entries == () and plain.note is not None and "不是从 git 仓库生成的" in plain.note
    assert str(tmp_path) not in plain.note


def test_public_values_and_the_programme_in_the_log(repo: Path) -> None:
    assert [value_text(v) for v in (None, True, [], ["a", "b"], {"id": "I3", "target": 1})] == [
        "（空）",
        "是",
        "（无）",
        "a、b",
        "id I3，target 1",
    ]
    src = GitRecords(repo)
    log = history_providers(src, PublicView(load_at(src, "HEAD").corpus, TODAY)).decisions(frozenset())
    first = log.entries[-1]
    assert [(r.id, r.kind, r.action) for r in first.records] == [("shapingba", "program", "新建")]
    assert first.decision.problems == (
        "未经合并请求（PR）直接进入主线",
        "没有签名",
        "方案要求列出审核人，但提交没有 Approved-by 或 Reviewed-by 尾注",
    )
