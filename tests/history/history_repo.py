"""A scripted records repository with a realistic main line, for the history tests.

Main line (first parents of main), oldest first. The pull requests are merged (or
squashed) with 张三's SSH key, which ``.github/allowed_signers`` trusts from the first
commit: they are verified approvals; the direct commits and the hand merge are not signed.

1. 2024-05-30 "Initial records" — committed directly; program requires approvers;
   ``.github/allowed_signers`` names 张三's key (the trust root).
2. 2024-06-01 README only — never appears in the history of records.
3. 2024-06-03 merge "Merge pull request #1 from kjj/funding" (Approved-by 张三, Reviewed-by 李四):
   L-2024-001 subsidy 100000 → 80000, indicator I2's target changed, indicator I3 added;
   bid B-2024-001 asks for 80000 instead of 100000.
4. 2024-06-10 squash "Award L-2024-001 (#2)" (Approved-by 王五): status closed → awarded,
   argumentation set to null, need N-2024-002 added.
5. 2024-06-15 merge "Merge pull request #3 from kjj/folders" (Approved-by 张三):
   L-2024-001 moved into lists/2024/, content unchanged.
6. 2024-06-20 direct ``git revert`` of the squash: no PR, no approver.
7. 2024-06-25 merge "Merge pull request #4 from kjj/takedown" (Approved-by 张三,
   Policy-Override: C001 …): B-2024-002 deleted.
8. 2024-06-28 hand merge "Merge branch 'hotfix'": M-2024-001-1 changed, no PR.

The records at the end validate clean, so the portal builds from them.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import git, make_records
from tests.signing import SIGNERS, SshKey, ssh_key

LIST = "records/lists/L-2024-001.yaml"
MOVED = "records/lists/2024/L-2024-001.yaml"
PRINCIPAL = "张三"


def merger_key(root: Path) -> SshKey:
    """The SSH key 张三 signs merges with (kept beside the repository, made once)."""
    return ssh_key(root.parent / f"{root.name}-keys", "zhangsan")


def signed(root: Path, *args: str, date: str) -> None:
    """``git commit`` or ``git merge`` signed with 张三's key."""
    git(root, *merger_key(root).sign(), args[0], "-S", *args[1:], date=date)


def edit(root: Path, rel: str, *pairs: tuple[str, str]) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert text.count(old) == 1, (rel, old)
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def merge(root: Path, branch: str, message: str, date: str, sign: bool = True) -> None:
    git(root, "checkout", "-q", "main", date=date)
    if sign:
        signed(root, "merge", "-q", "--no-ff", branch, "-m", message, date=date)
    else:
        git(root, "merge", "-q", "--no-ff", branch, "-m", message, date=date)


def build_history_repo(root: Path) -> Path:
    make_records(
        root,
        edit={
            LIST: [("status: awarded", "status: closed")],
            "records/program.yaml": [("min_release_scope: national", "min_release_scope: national\n  require_approvers: true")],
            # The project's subsidy within the list's after PR #1 lowers it (F006), its awards within the project's (F003).
            "records/projects/P-2024-001.yaml": [("subsidy_cny: 100000", "subsidy_cny: 80000")],
            "records/awards/A-2024-001-3.yaml": [("amount_cny: 30000", "amount_cny: 10000")],
        },
    )
    (root / SIGNERS).parent.mkdir(parents=True, exist_ok=True)
    (root / SIGNERS).write_text(merger_key(root).line(PRINCIPAL), encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Initial records", date="2024-05-30T09:00:00+08:00")
    (root / "README.md").write_text("记录仓库\n", encoding="utf-8")
    git(root, "add", "README.md")
    git(root, "commit", "-q", "-m", "Add a README", date="2024-06-01T09:00:00+08:00")

    git(root, "checkout", "-q", "-b", "funding", "HEAD~1")
    edit(
        root,
        LIST,
        ("subsidy_cny: 100000", "subsidy_cny: 80000"),
        ('target: "-20～85 ℃"', 'target: "-40～85 ℃"'),
        (
            "verification: 第三方检测报告}\nbenchmark",
            "verification: 第三方检测报告}\n  - {id: I3, name: 功耗, target: ≤0.5 W, verification: 第三方检测报告}\nbenchmark",
        ),
    )
    edit(root, "records/bids/B-2024-001.yaml", ("requested_cny: 100000", "requested_cny: 80000"))
    git(root, "commit", "-q", "-am", "Lower the subsidy of L-2024-001", date="2024-06-02T15:00:00+08:00")
    merge(
        root,
        "funding",
        "Merge pull request #1 from kjj/funding\n\nLower the subsidy of L-2024-001\n\nApproved-by: 张三 <zhang@example.org>\nReviewed-by: 李四",
        "2024-06-03T10:00:00+08:00",
    )

    edit(
        root,
        LIST,
        ("status: closed", "status: awarded"),
        ("argumentation: R-2024-001", "argumentation: null"),
        ("needs: [N-2024-001]", "needs: [N-2024-001, N-2024-002]"),
    )
    signed(root, "commit", "-q", "-am", "Award L-2024-001 (#2)\n\nApproved-by: 王五", date="2024-06-10T10:00:00+08:00")
    squash = git(root, "rev-parse", "HEAD").strip()

    git(root, "checkout", "-q", "-b", "folders")
    (root / MOVED).parent.mkdir()
    git(root, "mv", LIST, MOVED)
    git(root, "commit", "-q", "-m", "Group lists by year", date="2024-06-14T10:00:00+08:00")
    merge(
        root, "folders", "Merge pull request #3 from kjj/folders\n\nGroup lists by year\n\nApproved-by: 张三", "2024-06-15T10:00:00+08:00"
    )

    git(root, "revert", "--no-edit", squash, date="2024-06-20T10:00:00+08:00")

    git(root, "checkout", "-q", "-b", "takedown")
    git(root, "rm", "-q", "records/bids/B-2024-002.yaml")
    git(root, "commit", "-q", "-m", "Remove B-2024-002", date="2024-06-24T10:00:00+08:00")
    merge(
        root,
        "takedown",
        "Merge pull request #4 from kjj/takedown\n\nRemove B-2024-002\n\nApproved-by: 张三\nPolicy-Override: C001 B-2024-002 法院判决要求删除",
        "2024-06-25T10:00:00+08:00",
    )

    git(root, "checkout", "-q", "-b", "hotfix")
    edit(root, "records/milestones/M-2024-001-1.yaml", ("deliverables: [完成工程样机]", "deliverables: [完成工程样机, 提交测试报告]"))
    git(root, "commit", "-q", "-am", "Fix a milestone", date="2024-06-27T10:00:00+08:00")
    merge(root, "hotfix", "Merge branch 'hotfix'", "2024-06-28T10:00:00+08:00", sign=False)
    return root


def list_copy(root: Path, rid: str, restricted: bool) -> str:
    text = (root / MOVED).read_text(encoding="utf-8").replace("L-2024-001", rid)
    rel = f"records/lists/{rid}.yaml"
    (root / rel).write_text(text.replace("restricted: false", f"restricted: {str(restricted).lower()}"), encoding="utf-8")
    return rel


def add_disclosures(root: Path) -> Path:
    """Four more commits on the main line of :func:`build_history_repo` (squashes signed
    with 张三's key, the last one direct and unsigned):

    9.  2024-07-01 "Correct the bid review (#5)": R-2024-002's panel, opinion (never
        public) and objection channel (public) changed.
    10. 2024-07-02 "Two restricted lists (#6)": L-2024-005 and L-2024-006, both restricted.
    11. 2024-07-03 "Disclose L-2024-005 (#7)": made public, its title changed at once.
    12. 2024-07-04 "Retitle L-2024-006": direct, on a list that stays restricted.
    """
    edit(
        root,
        "records/reviews/R-2024-002.yaml",
        ("name: 王某,", "name: 王某某,"),
        ("团队基础扎实。", "团队基础扎实，建议资助。"),
        ("（电话 023-65311234）", "（电话 023-65311235）"),
    )
    signed(root, "commit", "-q", "-am", "Correct the bid review (#5)\n\nApproved-by: 张三", date="2024-07-01T10:00:00+08:00")
    git(root, "add", list_copy(root, "L-2024-005", restricted=True), list_copy(root, "L-2024-006", restricted=True))
    signed(root, "commit", "-q", "-m", "Two restricted lists (#6)\n\nApproved-by: 张三", date="2024-07-02T10:00:00+08:00")
    edit(root, "records/lists/L-2024-005.yaml", ("restricted: true", "restricted: false"), ("title: 高精度", "title: 公开的高精度"))
    signed(root, "commit", "-q", "-am", "Disclose L-2024-005 (#7)\n\nApproved-by: 张三", date="2024-07-03T10:00:00+08:00")
    edit(root, "records/lists/L-2024-006.yaml", ("title: 高精度", "title: 特种高精度"))
    git(root, "commit", "-q", "-am", "Retitle L-2024-006", date="2024-07-04T10:00:00+08:00")
    return root
