"""``jiebang validate PATH``: findings in PATH, and those elsewhere that PATH causes."""

from __future__ import annotations

from click.testing import CliRunner

from generator.cli import main

# A new bid by 西南大学, whose expert 钱某 sits on the panels of L-2024-001's reviews (E003).
CONFLICT = """kind: bid
id: B-2024-003
restricted: false
list: L-2024-001
submitted: 2024-06-20
lead: {name: 西南大学, type: university, credit_code: "12500000450400526D"}
partners: []
principal_investigator: {name: 周某}
plan_summary: 采用磁电方案。
requested_cny: 90000
declarations: {good_credit: true, own_ip: true}
status: submitted
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_a_new_bid_reports_the_conflict_it_causes_on_the_review(records) -> None:  # type: ignore[no-untyped-def]
    root = records(write={"records/bids/B-2024-003.yaml": CONFLICT})
    code, out = run("validate", "--root", str(root), str(root / "records/bids/B-2024-003.yaml"))
    assert code == 1, out
    lines = out.splitlines()
    assert lines[0].startswith("records/reviews/R-2024-001.yaml:10:33: error E003 专家 钱某 所在单位“西南大学”")
    assert all(line.endswith("（由 records/bids/B-2024-003.yaml 引起）") for line in lines[:2])
    assert lines[1].startswith("records/reviews/R-2024-002.yaml:10:33: error E003")


def test_an_untouched_record_is_reported_without_attribution(records) -> None:  # type: ignore[no-untyped-def]
    root = records(write={"records/bids/B-2024-003.yaml": CONFLICT})
    code, out = run("validate", "--root", str(root), str(root / "records/reviews/R-2024-002.yaml"))
    assert code == 1
    assert out.splitlines()[0].endswith("应当回避（回避原则）")


def test_a_finding_the_file_does_not_cause_stays_out(records) -> None:  # type: ignore[no-untyped-def]
    # the broken reference is the other bid's own fault: naming the new, harmless bid shows nothing
    harmless = CONFLICT.replace(
        '西南大学, type: university, credit_code: "12500000450400526D"', 'x, type: enterprise, credit_code: "91500000MA5YF5G6HJ"'
    )
    root = records(
        write={"records/bids/B-2024-003.yaml": harmless.replace("name: x", "name: 重庆川仪智能装备有限公司")},
        edit={"records/awards/A-2024-001-1.yaml": [["amount_cny: 30000", "amount_cny: 300000"]]},
    )
    code, out = run("validate", "--root", str(root), str(root / "records/bids/B-2024-003.yaml"))
    assert (code, out.splitlines()[-1]) == (0, "共检查 16 个文件、16 条记录：0 个错误，0 个警告。"), out
    assert run("validate", "--root", str(root))[0] == 1


def test_validating_a_work_tree_without_redactions_does_not_load_gitpython(records) -> None:  # type: ignore[no-untyped-def]
    """GitPython is slow to start; a plain ``jiebang validate`` reads only the work tree."""
    import subprocess
    import sys

    root = records()
    probe = "import sys; from generator.cli import main\ntry: main(['validate', '--root', sys.argv[1]])\nexcept SystemExit as e: print('git' in sys.modules, e.code)"
    out = subprocess.run([sys.executable, "-c", probe, str(root)], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "False 0", out
