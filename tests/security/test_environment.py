"""A hostile environment: concurrent builds, a killed build, a read-only or full disk,
missing or wrong paths and bad option values. Each ends with a Chinese message and exit 2
(or a clean exit), never a traceback, and never leaves the output folder missing or
half-written.

Disks: a read-only and a full disk are real (a read-only bind mount, a tiny tmpfs) inside
a private mount namespace (``unshare``), so nothing leaks to the machine; where namespaces
are not allowed those tests skip and the monkeypatched ones (``OSError(ENOSPC)``/``EROFS``
raised by the writes) still run. Permissions: the tests run as root, who reads any file,
so an unreadable folder is tested as an unprivileged user of a user namespace.
"""

from __future__ import annotations

import errno
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import make_records

EPOCH = {"SOURCE_DATE_EPOCH": "1720540800"}


def jiebang(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator.cli", *args]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def assert_chinese_exit_2(code: int, output: str, *says: str) -> None:
    assert code == 2, output
    assert "Traceback" not in output and "Error:" not in output and "Usage:" not in output, output
    assert output.startswith("jiebang: "), output
    for text in says:
        assert text in output, output


def site_files(site: Path) -> set[str]:
    return {os.path.relpath(os.path.join(folder, name), site) for folder, _, names in os.walk(site) for name in names}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".building-" in p.name)


# --- concurrent builds ---------------------------------------------------------------


class Poller(threading.Thread):
    """A reader of the output folder during builds: it must always find the whole site."""

    def __init__(self, site: Path, expected: set[str]) -> None:
        super().__init__(daemon=True)
        self.site, self.expected = site, expected
        self.stop, self.looks, self.problems = threading.Event(), 0, []  # type: ignore[var-annotated]

    def run(self) -> None:
        while not self.stop.is_set():
            self.looks += 1
            try:
                if not (self.site / "index.html").read_bytes():
                    self.problems.append("index.html empty")
            except OSError as exc:
                self.problems.append(f"index.html: {exc}")
            if site_files(self.site) != self.expected and site_files(self.site) != self.expected:  # one walk is not atomic
                self.problems.append(f"{len(site_files(self.site))} files instead of {len(self.expected)}")


def test_two_concurrent_builds_into_one_folder_leave_a_whole_site(tmp_path: Path) -> None:
    root = make_records(tmp_path / "repo")
    out = tmp_path / "out"
    env = {**os.environ, **EPOCH}
    first = subprocess.run(jiebang("build", "--root", str(root), "--out", str(out)), env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    expected = site_files(out)
    poller = Poller(out, expected)
    poller.start()
    builds = [
        subprocess.Popen(
            jiebang("build", "--root", str(root), "--out", str(out)), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    errors = [b.communicate(timeout=300)[1] for b in builds]
    poller.stop.set()
    poller.join()
    assert [b.returncode for b in builds] == [0, 0], errors
    assert poller.looks > 10 and poller.problems == []
    assert site_files(out) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "repo"]  # no staging folder left


# --- a killed build ------------------------------------------------------------------


def workers(pid: int) -> set[int]:
    """The forked worker processes of ``pid``: its children running the same executable."""
    exe = os.readlink(f"/proc/{pid}/exe")
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid and os.readlink(f"/proc/{entry}/exe") == exe:
                    found.add(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A programme of 40 lists: its site has enough files for the post-build checks to run on workers."""
    from benchmarks.synth import write_programme

    root = tmp_path_factory.mktemp("synthetic")
    write_programme(root, 40)
    return root


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the worker processes")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_killing_a_build_kills_its_workers_and_keeps_the_previous_site(synthetic: Path, tmp_path: Path, sig: signal.Signals) -> None:
    out = tmp_path / "out"
    env = {**os.environ, **EPOCH, "JIEBANG_JOBS": "2"}
    first = subprocess.run(
        jiebang("build", "--root", str(synthetic), "--out", str(out)), env=env, capture_output=True, text=True, check=False
    )
    assert first.returncode == 0, first.stderr
    (out / "previous.txt").write_text("the site as last published", encoding="utf-8")
    build = subprocess.Popen(
        jiebang("build", "--root", str(synthetic), "--out", str(out)), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    seen: set[int] = set()
    deadline = time.monotonic() + 120
    while not seen and build.poll() is None and time.monotonic() < deadline:
        seen = workers(build.pid)
        time.sleep(0.01)
    assert seen, "the build never started worker processes"
    build.send_signal(sig)
    stderr = build.communicate(timeout=60)[1]
    code = build.returncode
    deadline = time.monotonic() + 10
    while any(alive(p) for p in seen) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p for p in seen if alive(p)], "worker processes outlived the build"
    assert (out / "previous.txt").read_text(encoding="utf-8") == "the site as last published"
    assert (out / "index.html").is_file()
    if sig == signal.SIGTERM:
        assert code == 128 + signal.SIGTERM, stderr
        assert "Traceback" not in stderr and "jiebang: 收到终止信号" in stderr, stderr
        assert leftovers(tmp_path) == []
    else:
        assert code == -signal.SIGKILL
        again = subprocess.run(
            jiebang("build", "--root", str(synthetic), "--out", str(out)), env=env, capture_output=True, text=True, check=False
        )
        assert again.returncode == 0, again.stderr
        assert leftovers(tmp_path) == []  # the next build clears what a killed one left


# --- read-only and full disks ----------------------------------------------------------


def in_namespace(script: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``script`` (sh) as root of a private user and mount namespace; skips where not allowed."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed")
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs tmpfs /mnt"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"mount namespaces are not allowed here: {probe.stderr.decode(errors='replace').strip()}")
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=timeout, check=False, env={**os.environ, **EPOCH}
    )


def quoted(*args: str) -> str:
    return " ".join(shlex.quote(a) for a in args)


def test_a_build_into_a_read_only_folder_ends_in_chinese_and_keeps_the_site(tmp_path: Path) -> None:
    root = make_records(tmp_path / "repo")
    pub = tmp_path / "pub"
    (pub / "site").mkdir(parents=True)
    (pub / "site" / "index.html").write_text("the portal as last published", encoding="utf-8")
    done = in_namespace(
        f"mount --bind {quoted(str(pub))} {quoted(str(pub))} && mount -o remount,bind,ro {quoted(str(pub))} && "
        + quoted(*jiebang("build", "--root", str(root), "--out", str(pub / "site")))
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "只读" in done.stderr and done.stderr.startswith("jiebang: "), done.stderr
    assert (pub / "site" / "index.html").read_text(encoding="utf-8") == "the portal as last published"
    assert sorted(p.name for p in pub.iterdir()) == ["site"]


@pytest.mark.parametrize(("command", "size"), [("build", "256k"), ("export", "8k")])
def test_a_full_disk_ends_in_chinese_and_leaves_nothing_half_written(tmp_path: Path, command: str, size: str) -> None:
    """A tiny tmpfs fills up while MkDocs writes the theme's assets, or the open data is written."""
    root = make_records(tmp_path / "repo")
    pub = tmp_path / "pub"
    pub.mkdir()
    done = in_namespace(
        f"mount -t tmpfs -o size={size} tmpfs {quoted(str(pub))} && "
        + quoted(*jiebang(command, "--root", str(root), "--out", str(pub / "out")))
        + f"; code=$?; find {quoted(str(pub))} -mindepth 1 -maxdepth 2; exit $code"
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "磁盘空间不足" in done.stderr and done.stderr.startswith("jiebang: "), done.stderr
    left = [Path(line).name for line in done.stdout.split()]
    assert not [name for name in left if name.startswith(".")], left  # no staging folder, no temporary file
    if command == "build":
        assert left == [], left  # no half-written site


def _no_space(*args: object, **kw: object) -> object:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_simulated_by_failing_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Monkeypatched: ``os.write``, through which the export and ``jiebang new`` write, raises ENOSPC."""
    root = make_records(tmp_path / "repo")
    monkeypatch.setattr(os, "write", _no_space)
    code, output = run("export", "--root", str(root), "--out", str(tmp_path / "data"))
    assert_chinese_exit_2(code, output, "磁盘空间不足")
    assert [p.name for p in (tmp_path / "data").iterdir()] == []
    code, output = run("new", "list", "--root", str(root), "--year", "2024")
    assert_chinese_exit_2(code, output, "磁盘空间不足")
    assert not (root / "records/lists/L-2024-002.yaml").exists()


def test_schemas_into_a_read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Monkeypatched: writing a schema file raises EROFS."""

    def read_only(self: Path, *args: object, **kw: object) -> int:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))

    monkeypatch.setattr(Path, "write_text", read_only)
    code, output = run("schemas", "--out", str(tmp_path / "schemas"))
    assert_chinese_exit_2(code, output, "只读")


# --- paths and option values -------------------------------------------------------------


@pytest.mark.parametrize("command", [["validate"], ["build"], ["export"], ["new", "list"], ["history", "L-2024-001"], ["audit"], ["rules"]])
def test_a_missing_root_and_a_root_that_is_a_file(tmp_path: Path, command: list[str]) -> None:
    code, output = run(*command, "--root", str(tmp_path / "nowhere"))
    assert_chinese_exit_2(code, output, "不存在")
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    code, output = run(*command, "--root", str(tmp_path / "afile"))
    assert_chinese_exit_2(code, output, "不是文件夹")


@pytest.mark.parametrize("year", ["0", "99999", "-5", "abc", "２０２４", ""])
def test_new_refuses_a_bad_year(records, year: str) -> None:  # type: ignore[no-untyped-def]
    root = records()
    before = sorted(p for p in (root / "records").rglob("*"))
    code, output = run("new", "list", "--root", str(root), "--year", year)
    assert_chinese_exit_2(code, output, "年份")
    assert sorted(p for p in (root / "records").rglob("*")) == before


def test_new_accepts_a_four_digit_year(records) -> None:  # type: ignore[no-untyped-def]
    root = records()
    code, output = run("new", "list", "--root", str(root), "--year", "2031")
    assert code == 0, output
    assert (root / "records/lists/L-2031-001.yaml").is_file()


def test_new_never_writes_through_a_symlink(records, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = records()
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "records/lists/L-2024-002.yaml").symlink_to(outside / "planted.yaml")  # dangling: "free" to a naive check
    code, output = run("new", "list", "--root", str(root), "--year", "2024")
    assert code == 0, output
    assert "records/lists/L-2024-003.yaml" in output  # the symlink's id is taken, and it is left alone
    assert list(outside.iterdir()) == []
    shutil.rmtree(root / "records/needs")
    (root / "records/needs").symlink_to(outside, target_is_directory=True)
    code, output = run("new", "need", "--root", str(root), "--year", "2024")
    assert_chinese_exit_2(code, output, "符号链接")
    assert list(outside.iterdir()) == []


def test_new_from_a_symlink_does_not_read_it(records) -> None:  # type: ignore[no-untyped-def]
    root = records()
    (root / "records/lists/L-2024-009.yaml").symlink_to("/etc/passwd")
    code, output = run("new", "list", "--root", str(root), "--from", "L-2024-009")
    assert_chinese_exit_2(code, output, "符号链接")
    assert "root:" not in output


@pytest.fixture
def repo(committed: Path) -> Path:
    return committed


@pytest.mark.parametrize(
    ("as_of", "says"), [("2024-02-30", "日期“2024-02-30”无效"), ("no-such-rev", "找不到修订“no-such-rev”"), ("-x", "修订")]
)
def test_build_refuses_a_bad_as_of(repo: Path, tmp_path: Path, as_of: str, says: str) -> None:
    code, output = run("build", "--root", str(repo), "--out", str(tmp_path / "out"), "--as-of", as_of)
    assert_chinese_exit_2(code, output, says)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "args", [["diff", "no-such-rev", "HEAD"], ["audit", "--since", "no-such-rev"], ["validate", "--base", "no-such-rev"]]
)
def test_other_revisions_are_checked_too(repo: Path, args: list[str]) -> None:
    code, output = run(*args, "--root", str(repo))
    assert_chinese_exit_2(code, output, "找不到修订")


def test_export_onto_a_file(records, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = records()
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    code, output = run("export", "--root", str(root), "--out", str(tmp_path / "afile"))
    assert_chinese_exit_2(code, output, "不是文件夹")
    code, output = run("build", "--root", str(root), "--out", str(tmp_path / "afile"))
    assert_chinese_exit_2(code, output, "不是文件夹")
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize("out", [".", "..", "records/site", "other"])
def test_a_build_never_replaces_the_repository_it_reads(tmp_path: Path, out: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The output folder is replaced whole: ``--out .`` would delete the records."""
    root = make_records(tmp_path / "repo")
    (tmp_path / "other" / ".git").mkdir(parents=True)  # another repository
    monkeypatch.chdir(root)
    code, output = run("build", "--out", str(tmp_path / "other") if out == "other" else out)
    assert_chinese_exit_2(code, output, "请另选输出目录")
    assert (root / "records/lists/L-2024-001.yaml").is_file() and (tmp_path / "other/.git").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other", "repo"]


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--format", "xml"],
        ["build", "--bogus"],
        ["nosuchcommand"],
        ["history"],
        ["new"],
        ["export", "--format", "pdf"],
        ["serve", "-a", "bogus"],
        ["serve", "-a", "127.0.0.1:99999"],
    ],
)
def test_usage_errors_are_explained_in_chinese(args: list[str]) -> None:
    code, output = run(*args)
    assert_chinese_exit_2(code, output)


def test_an_unreadable_records_folder(records) -> None:  # type: ignore[no-untyped-def]
    """Run as an unprivileged user of a user namespace: root reads any folder whatever its mode."""
    root = records()
    (root / "records/lists").chmod(0)
    try:
        if os.geteuid() != 0:
            done = subprocess.run(jiebang("validate", "--root", str(root)), capture_output=True, text=True, check=False)
        else:
            if shutil.which("unshare") is None:
                pytest.skip("running as root without unshare: permissions cannot be tested")
            probe = subprocess.run(["unshare", "--map-user=65534", "--map-group=65534", "true"], capture_output=True, check=False)
            if probe.returncode != 0:
                pytest.skip("running as root and user namespaces are not allowed: permissions cannot be tested")
            done = subprocess.run(
                ["unshare", "--map-user=65534", "--map-group=65534", *jiebang("validate", "--root", str(root))],
                capture_output=True,
                text=True,
                check=False,
            )
    finally:
        (root / "records/lists").chmod(0o755)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith("jiebang: ") and "records/lists" in done.stderr and "权限" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_an_unlistable_folder_is_never_a_silent_pass(records, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Monkeypatched: listing the folder records/lists is refused (as it is to a user without the permission)."""
    root = records()
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path) == root / "records/lists":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, output = run("validate", "--root", str(root))
    assert_chinese_exit_2(code, output, "records/lists", "权限不足")
