"""Hostile record files: records are read only from regular files inside ``records/``.

Symlinks (to a file or a folder, inside the repository or out of it), FIFOs, devices and
sockets are refused with an S005 finding at line 1 of the entry and are never opened for
reading; a file over 1 MiB is refused from its size, before its content is read. The same
holds for records read from git objects (``--as-of``, ``validate --base``): a symlink or a
submodule in the tree is refused, a blob over 1 MiB is never read. YAML means what a YAML
1.2 editor shows, and strings hold no control characters (S008).
"""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.diagnostics import Diagnostic
from generator.git.repo import GitRecords
from generator.records import files
from generator.records.files import check_file, iter_record_files, read_files
from generator.records.load import MAX_BYTES
from generator.records.tree import load_at
from generator.validate import validate
from tests.conftest import git, make_records

LINK = "records/lists/L-2024-009.yaml"


def findings(root: Path, path: str | None = None) -> list[Diagnostic]:
    return [d for d in validate(root).sorted() if path is None or d.path == path or d.path.startswith(path + "/")]


def placed(found: list[Diagnostic]) -> list[tuple[str, str, int, int]]:
    return [(d.rule, d.path, d.line, d.column) for d in found]


def cli(root: Path, *args: str, timeout: float = 120, **kw: object) -> subprocess.CompletedProcess[str]:
    """The ``jiebang`` command in its own process (a hang is a failure, not a stuck test run)."""
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args, "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **kw,  # type: ignore[call-overload]
    )


# --- the work tree ---------------------------------------------------------------------


def test_a_symlink_to_a_file_outside_the_repository_is_refused_unread(records) -> None:  # type: ignore[no-untyped-def]
    root = records()
    (root / LINK).symlink_to("/etc/passwd")
    found = findings(root, LINK)
    assert placed(found) == [("S005", LINK, 1, 1)]
    assert "符号链接" in found[0].message and "root:" not in found[0].message


def test_a_symlink_to_a_record_inside_the_repository_is_refused(records) -> None:  # type: ignore[no-untyped-def]
    root = records()
    (root / LINK).symlink_to("L-2024-001.yaml")
    assert placed(findings(root)) == [("S005", LINK, 1, 1)]  # no R002 either: the target was never read twice


def test_a_symlinked_folder_is_refused_and_not_entered(records) -> None:  # type: ignore[no-untyped-def]
    root = records()
    (root / "records/lists/2024").symlink_to("../needs", target_is_directory=True)
    outside = root.parent / "outside"
    (outside / "lists").mkdir(parents=True)
    (outside / "lists/L-2024-010.yaml").write_text("kind: list\nid: L-2024-010\n", encoding="utf-8")
    (root / "records/bids/more").symlink_to(outside / "lists", target_is_directory=True)
    assert placed(findings(root)) == [("S005", "records/bids/more", 1, 1), ("S005", "records/lists/2024", 1, 1)]
    assert list(iter_record_files(root)).count("records/lists/2024") == 1


def test_a_dangling_symlink_is_refused(records) -> None:  # type: ignore[no-untyped-def]
    root = records()
    (root / LINK).symlink_to(root.parent / "nowhere.yaml")
    assert placed(findings(root)) == [("S005", LINK, 1, 1)]


def test_a_fifo_is_refused_without_blocking(records) -> None:  # type: ignore[no-untyped-def]
    root = records()
    os.mkfifo(root / LINK)
    done = cli(root, "validate", timeout=60)  # opening a FIFO for reading waits for a writer
    assert done.returncode == 1, done.stderr
    assert f"{LINK}:1:1: error S005" in done.stdout and "命名管道" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_device_node_is_refused_unopened(records) -> None:  # type: ignore[no-untyped-def]
    root = records()
    try:
        os.mknod(root / LINK, 0o600 | 0o020000, os.makedev(1, 3))  # a character device: /dev/null's numbers
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot create a device node here: {exc}")
    found = findings(root, LINK)
    assert placed(found) == [("S005", LINK, 1, 1)] and "设备" in found[0].message


def test_a_socket_is_refused(records, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    root = records()
    monkeypatch.chdir(root / "records/lists")  # a socket path is limited to ~100 bytes: bind by a short relative name
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind("L-2024-009.yaml")
        found = findings(root, LINK)
    assert placed(found) == [("S005", LINK, 1, 1)] and "套接字" in found[0].message


def test_the_records_folder_itself_may_not_be_a_symlink(tmp_path: Path) -> None:
    real = make_records(tmp_path / "real")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "records").symlink_to(real / "records", target_is_directory=True)
    assert ("S005", "records", 1, 1) in placed(findings(root))
    assert not [d for d in findings(root) if d.path.startswith("records/lists")]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def test_an_oversized_file_is_refused_from_its_size_before_reading(records) -> None:  # type: ignore[no-untyped-def]
    """A sparse 8 GiB file, validated in a process limited to 2 GiB of memory: reading it
    would fail; the size alone refuses it."""
    root = records()
    with open(root / LINK, "wb") as f:
        f.truncate(8 << 30)
    done = cli(root, "validate", preexec_fn=_limit_memory)
    assert done.returncode == 1, done.stderr
    assert f"{LINK}:1:1: error S005 文件大小 {8 << 30} 字节超过上限 {MAX_BYTES} 字节（1 MiB）" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_file_just_under_the_limit_is_read(records) -> None:  # type: ignore[no-untyped-def]
    root = records()
    text = (root / "records/lists/L-2024-001.yaml").read_text(encoding="utf-8")
    (root / "records/lists/L-2024-001.yaml").write_text(text + "#" * (MAX_BYTES - len(text.encode()) - 1) + "\n", encoding="utf-8")
    assert findings(root) == []


def test_reading_refuses_whatever_path_it_is_given(records) -> None:  # type: ignore[no-untyped-def]
    """``read_files`` is safe on its own: ``validate --base`` gives it paths from git."""
    root = records()
    (root / LINK).symlink_to("/etc/passwd")
    os.mkfifo(root / "records/lists/L-2024-010.yaml")
    (root / "records/needs/2024").symlink_to("..", target_is_directory=True)
    got = dict(read_files(root, [LINK, "records/lists/L-2024-010.yaml", "records/needs/2024/N-2024-001.yaml"]))
    for path, raw in got.items():
        result = check_file(path, raw)
        assert [(d.rule, d.line) for d in result.diagnostics] == [("S005", 1)], (path, result.diagnostics)


# --- git objects -----------------------------------------------------------------------


@pytest.fixture
def repo(committed: Path) -> Path:
    return committed


def test_a_symlink_in_a_git_tree_is_refused(repo: Path) -> None:
    (repo / LINK).symlink_to("/etc/passwd")
    (repo / "records/needs/old").symlink_to("..", target_is_directory=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Links", date="2024-06-01T09:00:00+08:00")
    loaded = load_at(GitRecords(repo), "HEAD")
    assert placed(loaded.diagnostics) == [("S005", LINK, 1, 1), ("S005", "records/needs/old", 1, 1)]
    assert all("符号链接" in d.message for d in loaded.diagnostics)
    assert len(loaded.corpus) == 15


def test_a_submodule_in_a_git_tree_is_refused(repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{head},records/lists/vendor")
    git(repo, "commit", "-q", "-m", "A submodule", date="2024-06-01T09:00:00+08:00")
    loaded = load_at(GitRecords(repo), "HEAD")
    assert placed(loaded.diagnostics) == [("S005", "records/lists/vendor", 1, 1)]
    assert "子模块" in loaded.diagnostics[0].message


def test_an_oversized_blob_is_refused_without_reading_it(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = (repo / "records/lists/L-2024-001.yaml").read_bytes() + b"#" * MAX_BYTES + b"\n"
    (repo / LINK).write_bytes(big)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "A big one", date="2024-06-01T09:00:00+08:00")
    sha = git(repo, "rev-parse", f"HEAD:{LINK}").strip()

    def refuse(self: GitRecords, shas: object) -> Iterator[object]:
        wanted = list(shas)  # type: ignore[call-overload]
        assert sha not in wanted, "the oversized blob was read"
        return original(self, wanted)  # type: ignore[no-any-return]

    original = GitRecords.read_many
    monkeypatch.setattr(GitRecords, "read_many", refuse)
    monkeypatch.setattr(GitRecords, "read", lambda self, s: pytest.fail(f"blob {s} read one by one"))
    loaded = load_at(GitRecords(repo), "HEAD")
    assert placed(loaded.diagnostics) == [("S005", LINK, 1, 1)]
    assert f"文件大小 {len(big)} 字节" in loaded.diagnostics[0].message


def test_history_never_reads_an_oversized_blob(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / LINK).write_bytes(b"kind: list\nid: L-2024-009\n" + b"#" * (2 * MAX_BYTES) + b"\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "A big one (#3)", date="2024-06-01T09:00:00+08:00")
    sha = git(repo, "rev-parse", f"HEAD:{LINK}").strip()
    src = GitRecords(repo)
    assert src.read_many([sha]) == {}
    with pytest.raises(ValueError, match="超过上限"):
        src.read(sha)
    result = CliRunner().invoke(main, ["history", "L-2024-009", "--root", str(repo)])
    assert result.exit_code == 0, result.output
    assert "新建" in result.output


def test_validate_base_reads_base_blobs_through_the_same_refusals(repo: Path) -> None:
    (repo / LINK).symlink_to("/etc/passwd")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "A link", date="2024-06-01T09:00:00+08:00")
    base = git(repo, "rev-parse", "HEAD").strip()
    (repo / LINK).unlink()
    os.mkfifo(repo / LINK)
    (repo / "records/lists/2024").symlink_to("../needs", target_is_directory=True)  # a folder: no record's name
    done = cli(repo, "validate", "--base", base, timeout=60)
    assert done.returncode == 1, done.stderr
    assert f"{LINK}:1:1: error S005" in done.stdout and "命名管道" in done.stdout
    assert "records/lists/2024:1:1: error S005" in done.stdout and "R002" not in done.stdout


def test_a_symlink_whose_target_text_is_a_record_is_not_taken_for_it(repo: Path) -> None:
    """Git hashes a symlink's target text: a link whose target is the text of the record it
    replaces has the record's blob id, and must still be refused."""
    assert cli(repo, "validate", "--base", "HEAD", timeout=60).returncode == 0  # a kept state: only what git sees changed is read
    path = repo / "records/lists/L-2024-001.yaml"
    text = path.read_text(encoding="utf-8")
    path.unlink()
    path.symlink_to(text)
    git(repo, "add", "-A")
    done = cli(repo, "validate", "--base", "HEAD", timeout=60)
    assert done.returncode == 1, done.stderr
    assert "records/lists/L-2024-001.yaml:1:1: error S005" in done.stdout


# --- YAML 1.1 forms and control characters (S008) -----------------------------------------

LIST = "records/lists/L-2024-001.yaml"


@pytest.mark.parametrize(
    ("old", "new", "column", "says"),
    [
        ("joint_bids: true", "joint_bids: on", 15, 'YAML 1.1 写法 on 会被读成布尔值：请加引号写成 "on"，或写成 true/false。'),
        ("joint_bids: true", "joint_bids: Yes", 15, "YAML 1.1 写法 Yes 会被读成布尔值"),
        ("months: 24", "months: 030", 11, "八进制"),
        ("months: 24", "months: 0x18", 11, "十六进制"),
        ("months: 24", "months: 1:30", 11, "YAML 1.1 会把 1:30 读成六十进制数 90"),
        ("subsidy_cny: 100000", "subsidy_cny: 100_000", 24, "请写成不带下划线的整数 100000"),
        ("title: 高精度伺服电机绝对值编码器研制", "title: 1e5", 8, "请加引号"),
        ("title: 高精度伺服电机绝对值编码器研制", "title: no", 8, 'YAML 1.1 写法 no 会被读成布尔值：请加引号写成 "no"'),
    ],
)
def test_yaml_1_1_forms_are_one_finding_at_the_value(records, old: str, new: str, column: int, says: str) -> None:  # type: ignore[no-untyped-def]
    root = records(edit={LIST: [[old, new]]})
    line = next(i for i, text in enumerate((root / LIST).read_text(encoding="utf-8").splitlines(), 1) if new in text)
    found = findings(root, LIST)
    assert placed(found) == [("S008", LIST, line, column)], [str(d) for d in found]  # never also S003 for the same value
    assert says in found[0].message


@pytest.mark.parametrize(
    ("value", "shown"),
    [('"\\e[31m红\\e[0m"', "\\x1b"), ('"a\\rb"', "\\r"), ('"a\\vb"', "\\v"), ('"a\\x85b"', "\\x85"), ('"a\\u2028b"', "\\u2028")],
)
def test_control_characters_are_refused_at_the_value(records, value: str, shown: str) -> None:  # type: ignore[no-untyped-def]
    root = records(edit={LIST: [["benchmark: 对标国外同类产品。", f"benchmark: {value}"]]})
    found = findings(root, LIST)
    assert placed(found) == [("S008", LIST, 15, 12)], [str(d) for d in found]
    assert shown in found[0].message


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029", "\x1b", "\x7f", "\x0c"])
def test_raw_control_characters_are_refused_where_they_stand(records, char: str) -> None:  # type: ignore[no-untyped-def]
    """Written raw, a NEL or a line separator is a line break to YAML 1.1 and an ordinary
    character to YAML 1.2: a comment could hide a key from an editor. Each is refused at its
    own place, before the file is read as YAML."""
    root = records(edit={LIST: [["benchmark: 对标国外同类产品。", f"benchmark: 对标国外{char}同类产品。 # 注{char}status: draft"]]})
    found = findings(root, LIST)
    assert placed(found) == [("S008", LIST, 15, 16), ("S008", LIST, 15, 26)], [str(d) for d in found]
    assert "控制字符" in found[0].message


def test_tabs_and_newlines_in_strings_are_fine(records) -> None:  # type: ignore[no-untyped-def]
    root = records(edit={LIST: [["benchmark: 对标国外同类产品。", 'benchmark: "对标\\t国外\\n同类产品。"']]})
    assert findings(root) == []


def test_s008_is_the_same_on_worker_processes(records, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    root = records(
        edit={
            LIST: [["joint_bids: true", "joint_bids: off"], ["months: 24", "months: 024"]],
            "records/bids/B-2024-001.yaml": [["requested_cny: 100000", 'requested_cny: 100_000\nplan_summary2: "\\e"']],
        }
    )
    items = list(read_files(root, iter_record_files(root)))
    serial = [check_file(path, raw) for path, raw in items]
    monkeypatch.setattr(files, "PARALLEL_MIN", 2)
    monkeypatch.setenv("JIEBANG_JOBS", "2")
    parallel = files.check_files(items)
    assert [r.diagnostics for r in parallel] == [r.diagnostics for r in serial]
    assert {d.rule for r in serial for d in r.diagnostics} == {"S003", "S008"}
