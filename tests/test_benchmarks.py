"""The benchmark's synthetic programme is valid and deterministic, and the runner runs.

No timings are asserted: the figures live in benchmarks/README.md.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from benchmarks import run, synth
from generator.validate import validate


def digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted((root / "records").rglob("*.yaml")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def test_synthetic_programme_is_clean_under_every_rule(tmp_path: Path) -> None:
    counts = synth.write_programme(tmp_path / "a", 20)
    assert counts["list"] == 20 and counts["need"] == 20 and counts["bid"] == 60 and counts["program"] == 1
    assert all(counts[kind] > 0 for kind in ("call", "review", "project", "milestone", "award"))
    report = validate(tmp_path / "a")
    assert report.sorted() == [], [str(d) for d in report.sorted()[:10]]
    assert report.records == sum(counts.values())


def test_synthetic_programme_is_deterministic(tmp_path: Path) -> None:
    synth.write_programme(tmp_path / "a", 20, seed=3)
    synth.write_programme(tmp_path / "b", 20, seed=3)
    synth.write_programme(tmp_path / "c", 20, seed=4)
    assert digest(tmp_path / "a") == digest(tmp_path / "b") != digest(tmp_path / "c")


def test_synth_command_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert synth.main(["--lists", "3", "--out", str(tmp_path)]) == 0
    with pytest.raises(SystemExit) as exc:
        synth.main(["--lists", "3", "--out", str(tmp_path)])
    assert exc.value.code == 2 and "--force" in capsys.readouterr().err


def test_runner_prints_a_table_of_every_figure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run.main(["--sizes", "20", "--quick", "--work", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "| figure | size | jiebang | reference | ratio | target | met | note |" in out
    for figure in ("validate, all rules", "peak memory", "validate --base", "history index", "heaviest HTML page", "search index"):
        assert f"| {figure}" in out
    assert "- python: " in out and "- cpu: " in out


def test_national_sets_run_once_unless_repeat_says_otherwise(tmp_path: Path) -> None:
    from benchmarks.figures import Context, repeat_for

    default = Context(tmp_path, [10_000], repeat=3, quick=False, cjs_max=10_000, portal_max=10_000)
    asked = Context(tmp_path, [10_000], repeat=3, quick=False, cjs_max=10_000, portal_max=10_000, national_repeat=3)
    assert (repeat_for(default, 9_679), repeat_for(default, 108_377)) == (3, 1)
    assert repeat_for(asked, 108_377) == 3


def test_an_earlier_version_is_measured_beside_this_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--against REV``: the package as committed at REV runs in the same rounds; its row and
    the comparison (target ≤ 1.1) follow this version's."""
    import subprocess

    repo = Path(__file__).resolve().parents[1]
    short = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert run.main(["--sizes", "20", "--quick", "--only", "validate", "--against", "HEAD", "--work", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / f"version-{short}" / "generator" / "cli.py").is_file()
    assert f"| the same, {short} | 20 lists (193 files) |" in out
    assert f"| validate, all rules: this version vs {short} | 20 lists (193 files) |" in out
    assert "| ≤ 1.1 |" in out
