"""A scripted records repository whose main line walks list L-2024-001 through its life, for
the OCDS release tests. Commits (Beijing time), oldest first:

1. 2024-05-10 10:00  programme, need, argumentation; L-2024-001 approved (not public).
2. 2024-05-20 09:00  call C-2024-01; L-2024-001 published, its bottleneck holding a mobile
                     number by mistake; L-2024-002 published too (restricted since commit 9).
3. 2024-05-20 16:00  the same day: the number removed, indicator I2 amended, eligibility notes dropped.
4. 2024-06-20 10:00  two bids (not public: only their number is).
5. 2024-07-01 09:00  L-2024-001 closed: what OCDS says does not change.
6. 2024-07-05 17:00  the bid-review selecting B-2024-001, 公示 from 2024-07-08 (pending); L-2024-001 awarded.
7. 2024-07-15 10:00  the 公示 ended without objection.
8. 2024-07-20 10:00  project P-2024-001 (in progress), its milestone, a first payment.
9. 2024-08-01 10:00  the need and the argumentation's opinion edited (never public);
                     L-2024-002 restricted: a takedown.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import git, make_records

LIST = "records/lists/L-2024-001.yaml"
RESTRICTED = "records/lists/L-2024-002.yaml"
REVIEW = "records/reviews/R-2024-002.yaml"
MOBILE = "13812345678"
RESTRICTED_TITLE = "特定范围智能传感榜单"
COMMITS = (
    "2024-05-10T10:00:00+08:00",
    "2024-05-20T09:00:00+08:00",
    "2024-05-20T16:00:00+08:00",
    "2024-06-20T10:00:00+08:00",
    "2024-07-01T09:00:00+08:00",
    "2024-07-05T17:00:00+08:00",
    "2024-07-15T10:00:00+08:00",
    "2024-07-20T10:00:00+08:00",
    "2024-08-01T10:00:00+08:00",
)


def _restricted_list(base: str, restricted: bool) -> str:
    """A second published list of the call (a copy of L-2024-001 under another id and title)."""
    text = base.replace("id: L-2024-001", "id: L-2024-002").replace("高精度伺服电机绝对值编码器研制", RESTRICTED_TITLE)
    text = text.replace("status: awarded", "status: published").replace("argumentation: R-2024-001\n", "")
    return text.replace("restricted: false", f"restricted: {'true' if restricted else 'false'}")


def build_ocds_repo(root: Path) -> Path:
    source = make_records(root.parent / f"{root.name}-source")
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")

    def put(rel: str, *pairs: tuple[str, str], text: str | None = None) -> None:
        body = (source / rel).read_text(encoding="utf-8") if text is None else text
        for old, new in pairs:
            assert body.count(old) == 1, (rel, old)
            body = body.replace(old, new)
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(body, encoding="utf-8")

    def commit(n: int, message: str) -> None:
        git(root, "add", "-A", date=COMMITS[n - 1])
        git(root, "commit", "-q", "-m", message, date=COMMITS[n - 1])

    base_list = (source / LIST).read_text(encoding="utf-8")
    for rel in ("records/program.yaml", "records/needs/N-2024-001.yaml", "records/reviews/R-2024-001.yaml"):
        put(rel)
    put(LIST, ("status: awarded", "status: approved"))
    commit(1, "Approve L-2024-001")

    put("records/calls/C-2024-01.yaml", ("lists: [L-2024-001]", "lists: [L-2024-001, L-2024-002]"))
    put(LIST, ("status: awarded", "status: published"), ("依赖进口。", f"依赖进口。联系人手机 {MOBILE}。"))
    put(RESTRICTED, text=_restricted_list(base_list, restricted=False))
    commit(2, "Publish the 2024 call")

    put(
        LIST,
        ("status: awarded", "status: published"),
        ('target: "-20～85 ℃"', 'target: "-40～85 ℃"'),
        ("  notes: 具有良好社会信用，掌握自主知识产权。\n", ""),
        (
            "call: C-2024-01",
            "call: C-2024-01\namendments:\n  - {date: 2024-05-20, fields: [indicators, eligibility], summary: 指标I2工作温度更正}",
        ),
    )
    commit(3, "Amend L-2024-001")

    put("records/bids/B-2024-001.yaml")
    put("records/bids/B-2024-002.yaml")
    commit(4, "Bids on L-2024-001")

    _status(root, "published", "closed")
    commit(5, "Close L-2024-001")

    put(REVIEW, ("outcome: no-objection", "outcome: pending"))
    _status(root, "closed", "awarded")
    commit(6, "Select B-2024-001")

    put(REVIEW)
    commit(7, "The 公示 of R-2024-002 ended")

    put("records/projects/P-2024-001.yaml", ("status: succeeded", "status: in-progress"), ("outcome:\n", "_outcome:\n"))
    _drop_outcome(root / "records/projects/P-2024-001.yaml")
    put("records/milestones/M-2024-001-1.yaml", ("check: R-2025-001\n", ""))
    put("records/awards/A-2024-001-1.yaml")
    commit(8, "Sign P-2024-001")

    put("records/needs/N-2024-001.yaml", text=(root / "records/needs/N-2024-001.yaml").read_text(encoding="utf-8") + "# 修订\n")
    put("records/reviews/R-2024-001.yaml", ("榜单指标明确、可考核，建议发布。", "榜单指标明确、可考核，同意发布。"))
    put(RESTRICTED, text=_restricted_list(base_list, restricted=True))
    commit(9, "Edit the need; restrict L-2024-002")
    return root


def _status(root: Path, old: str, new: str) -> None:
    path = root / LIST
    path.write_text(path.read_text(encoding="utf-8").replace(f"status: {old}", f"status: {new}"), encoding="utf-8")


def _drop_outcome(path: Path) -> None:
    """The project's outcome block removed (it is in progress)."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("_outcome:")], encoding="utf-8")
