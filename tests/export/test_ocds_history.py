"""OCDS releases from the records' history (``tests/export/ocds_repo.py`` scripts the main line):
one release per commit that changed what the public could read about a process, named and dated
by that commit; none for a commit or a day that changed nothing; the past cleaned as the portal's
history is; the compiled records exactly what ocdskit compiles; all of it valid OCDS 1.1.5 with
nothing for libcoveocds to report.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator import export, ocds
from generator.ocds.process import process
from generator.portal.build import open_data
from generator.portal.pipeline import PortalBuild
from generator.public.view import PublicView
from generator.records.tree import load_tree
from tests.conftest import apply_edits, git
from tests.export.ocds_checks import cove, cove_findings, ocdskit_compiled, read, schema_errors
from tests.export.ocds_repo import COMMITS, LIST, MOBILE, RESTRICTED_TITLE, build_ocds_repo

HEAD_DAY = dt.date(2024, 8, 1)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_ocds_repo(tmp_path_factory.mktemp("ocds") / "repo")


@pytest.fixture(scope="module")
def shas(repo: Path) -> list[str]:
    """The commits' ids, oldest first (``COMMITS`` order)."""
    return git(repo, "rev-list", "--reverse", "HEAD").split()


def view_of(root: Path, day: dt.date = HEAD_DAY) -> PublicView:
    return PublicView(load_tree(root).corpus, day)


def packages(root: Path, day: dt.date = HEAD_DAY) -> tuple[dict[str, Any], dict[str, Any]]:
    view = view_of(root, day)
    files = dict(export.files(view, ("ocds",), ocds.releases_of(root, view)))
    return json.loads(files["ocds.json"]), json.loads(files["ocds-records.json"])


def test_one_release_per_commit_that_changed_what_the_public_read(repo: Path, shas: list[str]) -> None:
    releases = packages(repo)[0]["releases"]
    expected = [
        (f"L-2024-001-{shas[1][:12]}", COMMITS[1], ["tender"]),
        (f"L-2024-001-{shas[2][:12]}", COMMITS[2], ["tenderAmendment"]),  # the same day: another id
        (f"L-2024-001-{shas[3][:12]}", COMMITS[3], ["tenderUpdate"]),  # two bids received
        # commit 5 closed the list: its tender is still active (bids are being judged), nothing changed
        (f"L-2024-001-{shas[5][:12]}", COMMITS[5], ["tenderUpdate"]),
        (f"L-2024-001-{shas[5][:12]}-20240708", "2024-07-08T00:00:00+08:00", ["award"]),  # the 公示 began
        (f"L-2024-001-{shas[6][:12]}", COMMITS[6], ["awardUpdate"]),
        (f"L-2024-001-{shas[7][:12]}", COMMITS[7], ["contract", "implementation"]),
        # commit 9 edited a need and a panel's opinion (never public): no release
    ]
    assert [(r["id"], r["date"], r["tag"]) for r in releases] == expected
    steps = [(r["tender"]["status"], r["tender"]["numberOfTenderers"], [a["status"] for a in r.get("awards", [])]) for r in releases]
    assert steps == [
        ("active", 0, []),
        ("active", 0, []),
        ("active", 2, []),
        ("complete", 2, []),
        ("complete", 2, ["pending"]),
        ("complete", 2, ["active"]),
        ("complete", 2, ["active"]),
    ]
    assert {r["ocid"] for r in releases} == {"ocds-jiebang-shapingba-L-2024-001"}


def test_the_releases_do_not_depend_on_the_day_of_the_build(repo: Path) -> None:
    first, later = packages(repo)[0], packages(repo, dt.date(2025, 3, 1))[0]
    assert first["releases"] == later["releases"]  # no new release for a process that did not change
    assert (first["publishedDate"], later["publishedDate"]) == ("2024-08-01T00:00:00+08:00", "2025-03-01T00:00:00+08:00")


def test_the_past_is_cleaned_and_a_takedown_takes_its_past(repo: Path) -> None:
    releases, records = packages(repo)
    text = json.dumps([releases, records], ensure_ascii=False)
    assert releases["releases"][0]["tender"]["description"] == "23 位以上绝对值编码器依赖进口。联系人手机 〔已隐去〕。"
    assert MOBILE not in text  # personal data in a published text, removed the same day
    assert "L-2024-002" not in text and RESTRICTED_TITLE not in text  # public from commit 2, restricted since commit 9
    for private in ("B-2024-002", "重庆川仪智能装备有限公司", "同意发布", "王某"):
        assert private not in text  # the unselected bid, the panel's opinion and names


def test_a_removed_field_is_null_and_the_records_are_what_ocdskit_compiles(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    releases, records = packages(repo)
    assert releases["releases"][0]["tender"]["eligibilityCriteria"] == "具有良好社会信用，掌握自主知识产权。"
    assert releases["releases"][1]["tender"]["eligibilityCriteria"] is None  # the amendment dropped it
    assert "eligibilityCriteria" not in releases["releases"][2]["tender"]
    metadata = {"uri": records["uri"], "publisher": records["publisher"], "published_date": records["publishedDate"]}
    assert records == ocdskit_compiled(releases, monkeypatch, **metadata)
    [record] = records["records"]
    compiled = record["compiledRelease"]
    view = view_of(repo)
    now = process(view, view.lists[0])
    assert {k: v for k, v in compiled.items() if k not in ("ocid", "id", "date", "tag")} == now  # the process as it stands
    assert (compiled["id"], compiled["date"], compiled["tag"]) == (f"{record['ocid']}-{COMMITS[7]}", COMMITS[7], ["compiled"])


def test_the_history_is_valid_ocds_with_nothing_for_libcoveocds_to_report(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for package in packages(repo):
        assert schema_errors(package) == []
        report = cove(package, monkeypatch)
        assert cove_findings(report) == {}
        assert report["unique_ocids_count"] == 1


def test_export_and_an_earlier_revision(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shas: list[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2024, 8, 1, 12, tzinfo=dt.UTC).timestamp())))
    open_data(repo, tmp_path / "data", ("ocds",), check=False)
    written = read(tmp_path / "data" / "ocds.json")
    assert written == packages(repo)[0]
    built = PortalBuild(repo, revision="2024-07-10", check=False).run()  # jiebang build --as-of 2024-07-10
    earlier = json.loads(dict(built.files)["data/ocds.json"])
    assert [r["id"] for r in earlier["releases"]] == [r["id"] for r in written["releases"][:5]]
    assert earlier["releases"] == written["releases"][:5]  # the same past, seen from then


def test_without_the_history_each_process_has_its_present_state(repo: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    shutil.copytree(repo, plain, ignore=shutil.ignore_patterns(".git"))
    found = ocds.releases_of(plain, view_of(plain))
    assert found.note is not None and "记录不在 git 仓库中" in found.note
    [release] = found.all()
    assert release["date"] == "2024-08-01T00:00:00+08:00" and release["tag"] == ["tender", "award", "contract", "implementation"]
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    assert "浅克隆" in (ocds.releases_of(shallow, view_of(shallow)).note or "")


def test_an_uncommitted_change_adds_a_release_named_by_its_content(repo: Path, tmp_path: Path) -> None:
    edited = tmp_path / "edited"
    shutil.copytree(repo, edited)
    apply_edits(edited, edit={LIST: [["编码器依赖进口", "编码器长期依赖进口"]]})
    releases = packages(edited)[0]["releases"]
    assert len(releases) == 8 and releases[:7] == packages(repo)[0]["releases"]
    last = releases[-1]
    assert last["date"] == "2024-08-01T00:00:00+08:00" and last["tag"] == ["tenderUpdate"]  # dated by the build
    assert last["id"].startswith("L-2024-001-") and last["id"] not in {r["id"] for r in releases[:7]}
    assert packages(edited, dt.date(2024, 7, 20))[0]["releases"][-1]["date"] == COMMITS[7]  # never before the release it follows
