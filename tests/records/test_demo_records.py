"""The shipped demo programme: validates clean and exercises every kind and state."""

from __future__ import annotations

from generator.models import FOLDER_KIND as KINDS_BY_FOLDER
from generator.models import KINDS, SINGLE_FILES
from generator.models.listing import LIST_EDGES
from generator.models.review import RESULTS
from generator.records.tree import load_tree
from generator.rules.base import catalogue
from generator.validate import validate
from tests.conftest import REPO


def test_demo_records_validate_clean() -> None:
    report = validate(REPO)
    assert [f"{d.path}:{d.line}: {d.rule} {d.message}" for d in report.sorted()] == []
    assert report.records >= 90


def test_demo_covers_every_kind_and_state() -> None:
    corpus = load_tree(REPO).corpus
    assert {r.kind for r in corpus} == set(KINDS)
    list_states = {s for edge in LIST_EDGES for s in edge}
    assert {lst.status for lst in corpus.lists} == list_states
    assert any(lst.restricted for lst in corpus.lists)
    assert {r.type for r in corpus.reviews} == set(RESULTS) - {"approval"}  # Shapingba has no 立项审定 (SPEC §8)
    assert {p.status for p in corpus.projects} == {"in-progress", "succeeded", "failed", "terminated"}
    assert {n.status for n in corpus.needs} == {"submitted", "refined", "declined"}
    assert {b.status for b in corpus.bids} == {"submitted", "withdrawn"}
    assert any(b.partners for b in corpus.bids)
    assert {a.basis for a in corpus.awards} == {"agreement", "milestone", "acceptance"}
    assert len(corpus.calls) == 4
    failed = [p for p in corpus.projects if p.status == "failed"]
    assert failed and all(p.outcome and p.outcome.diligent and not p.outcome.credit_penalty for p in failed)


def test_every_shipped_record_has_its_schema_modeline() -> None:
    for path in sorted((REPO / "records").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        depth = len(path.relative_to(REPO).parts) - 1
        kind = SINGLE_FILES.get(path.name) if depth == 1 else None  # records/program.yaml, records/redactions.yaml
        expected_kind = kind or next(k for k in KINDS.values() if k.folder == path.relative_to(REPO / "records").parts[0]).name
        assert first == f"# yaml-language-server: $schema={'../' * depth}schemas/{expected_kind}.schema.json", path


HAINAN = REPO / "examples" / "hainan"


def test_second_programme_validates_clean() -> None:
    """Another programme changes only program.yaml and its records: the Hainan demo (enterprise-led,
    provincial) passes every rule under its own policy."""
    report = validate(HAINAN)
    assert [f"{d.path}:{d.line}: {d.rule} {d.message}" for d in report.sorted()] == []
    assert report.records >= 100


def test_second_programme_covers_every_state_and_every_policy_v2_feature() -> None:
    corpus = load_tree(HAINAN).corpus
    program, policy = corpus.program, corpus.policy
    assert program is not None and policy is not None
    assert (program.division, program.level, program.mode) == ("460000", "provincial", "enterprise-led")
    assert {r.kind for r in corpus} == set(KINDS)
    assert {lst.status for lst in corpus.lists} == {s for edge in LIST_EDGES for s in edge}
    assert {r.type for r in corpus.reviews} == set(RESULTS)
    assert {p.status for p in corpus.projects} == {"in-progress", "succeeded", "failed", "terminated"}
    assert {n.status for n in corpus.needs} == {"submitted", "refined", "declined"}
    assert {b.status for b in corpus.bids} == {"submitted", "withdrawn"}
    grade = policy.grades["key"]
    assert grade.subsidy_min_cny and grade.subsidy_max_share and grade.total_min_cny
    assert set(policy.review_panels) >= {"milestone-check", "acceptance", "approval"}
    assert policy.max_winners > 1 and any(len(r.selected) > 1 for r in corpus.reviews)  # 赛马制
    assert set(policy.bidder_kinds) == {"unit", "team", "individual"} and policy.responsibility_letter and policy.approval_required
    assert 2027 in policy.holidays and any(r.publicity and r.publicity.end.year == 2027 for r in corpus.reviews)
    assert all(b.declarations.responsibility_letter for b in corpus.bids)
    assert {b.lead.kind for b in corpus.bids} == {"unit", "team", "individual"}
    assert any(lst.issuer for lst in corpus.lists) and any(lst.issuer is None for lst in corpus.lists)
    assert {lst.track for lst in corpus.lists} == {"tackle", "transfer"}
    assert {o.kind for lst in corpus.lists for o in lst.funding.others} >= {"government", "fund", "insurance", "venture"}
    assert any(lst.eligibility.scope == "provincial" for lst in corpus.lists) and any(lst.eligibility.bidder_kinds for lst in corpus.lists)
    assert any(lst.withdrawal for lst in corpus.lists if lst.status == "withdrawn")
    assert any(lst.restricted and corpus.projects_by_list.get(lst.id) for lst in corpus.lists)  # a 涉密 project, no 公示
    notices = [r.publicity.notice for r in corpus.reviews if r.publicity and r.publicity.notice]
    assert any(notices.count(n) > 1 for n in notices)  # a batch 公示
    assert {r.publicity.outcome for r in corpus.reviews if r.publicity} >= {"no-objection", "objections-dismissed", "pending"}
    assert any(i.waiver for r in corpus.reviews for i in r.indicator_results)
    assert {a.funding_source for a in corpus.awards} == {"subsidy", "end-user", "other"}
    assert {a.basis for a in corpus.awards} == {"agreement", "milestone", "acceptance"}
    failed_checks = [r for r in corpus.reviews if r.type == "milestone-check" and r.result == "failed"]
    assert len(failed_checks) >= 2  # one re-checked and passed, one that ended its project


def test_second_programme_cites_its_own_articles_for_every_rule_that_cites_an_article() -> None:
    """Every CI message and the rules page cite the programme's own regulation, never Shapingba's."""
    policy = load_tree(HAINAN).corpus.policy
    assert policy is not None
    shapingba_articles = [r.id for r in catalogue() if "第" in r.cites and r.id not in policy.citations]
    assert shapingba_articles == []
    assert all(c.startswith("琼科规〔2023〕1号") for c in policy.citations.values())


def test_second_programme_records_carry_their_schema_modeline() -> None:
    for path in sorted((HAINAN / "records").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        depth = len(path.relative_to(REPO).parts) - 1
        kind = SINGLE_FILES.get(path.name) or KINDS_BY_FOLDER[path.relative_to(HAINAN / "records").parts[0]]
        assert first == f"# yaml-language-server: $schema={'../' * depth}schemas/{kind}.schema.json", path
