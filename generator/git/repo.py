"""Records straight from git objects: any revision, no checkout, work tree untouched."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

import git

from generator.dates import SHANGHAI
from generator.errors import CannotRun
from generator.git.objects import FETCH_HINT, SUBMODULE, SYMLINK, Blob
from generator.layout import MAX_BYTES, RECORDS, SUFFIXES

GitCommit = git.Commit  # a commit as GitPython gives it: the type the layers above name
GitError = git.GitCommandError

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TREE_BLOB = re.compile(r"(?:\A|\0)100(?:644|755) blob ([0-9a-f]+)\t([^\0]*)")  # regular files of ``ls-tree -z``: no symlink, no submodule


def head_time(root: Path) -> int | None:
    """The committer time of HEAD (seconds since the epoch) when ``root`` is in git, else None."""
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    stamp = out.stdout.strip()
    return int(stamp) if out.returncode == 0 and stamp.isdigit() else None


class TooLarge(ValueError):
    """A blob over the size limit: it is not read."""

    def __init__(self, sha: str, size: int, limit: int) -> None:
        super().__init__(f"对象 {sha[:10]} 大小 {size} 字节，超过上限 {limit} 字节，未读取。")
        self.size = size


def _null(sha: str) -> bool:
    return not sha.strip("0")


class GitRecords:
    """A repository whose records can be read at any revision."""

    def __init__(self, root: Path) -> None:
        try:
            self.repo = git.Repo(root)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
            raise CannotRun(f"{root} 不是 git 仓库：无法读取历史修订。") from exc
        self.root = root

    @property
    def shallow(self) -> bool:
        """A shallow clone (CI's default) lacks the history that questions need."""
        return bool(self.repo.git.rev_parse("--is-shallow-repository") == "true")  # git knows, wherever its metadata lives

    def require_full_history(self) -> None:
        if self.shallow:
            raise CannotRun(f"这是浅克隆（shallow clone），历史不完整，无法作答。{FETCH_HINT}")

    def resolve(self, rev: str) -> git.Commit:
        """A commit by revision, or by date: ``2024-06-01`` is the last commit on the
        main line (first parents of HEAD) on or before that day, Beijing time."""
        if DATE.match(rev):
            try:
                day = dt.date.fromisoformat(rev)
            except ValueError as exc:
                raise CannotRun(f"日期“{rev}”无效。") from exc
            end = dt.datetime.combine(day, dt.time(23, 59, 59), SHANGHAI)
            shas = self.repo.git.rev_list("-1", "--first-parent", f"--before={end.isoformat()}", "HEAD").split()
            if not shas:
                hint = FETCH_HINT if self.shallow else ""
                raise CannotRun(f"{rev} 当天或之前没有提交。{hint}")
            rev = shas[0]
        try:
            commit = self.repo.commit(rev)
            self.repo.git.cat_file("-e", f"{commit.hexsha}^{{tree}}")  # present, not just named
            return commit
        except (git.BadName, ValueError, git.GitCommandError) as exc:
            hint = FETCH_HINT if self.shallow else "请检查修订名称，或先 git fetch 该分支。"
            raise CannotRun(f"找不到修订“{rev}”。{hint}") from exc

    def head(self) -> git.Commit:
        """The checked-out commit (``HEAD``)."""
        try:
            return self.repo.head.commit
        except ValueError as exc:
            raise CannotRun("仓库还没有任何提交（HEAD 不存在）：无法与基准修订比较。") from exc

    def previous_head(self, before: str) -> git.Commit | None:
        """The commit a push to the main line replaced (GitHub's ``github.event.before``).
        None when the push created the branch (an id of zeros). Fails closed: a previous
        head that is missing, or is not an ancestor of HEAD, means the push rewrote history
        (a force-push), and nothing may be checked or published against it."""
        if not before.strip():
            raise CannotRun("没有给出推送前的主线头（--push 的值为空）：无法判断这次推送是否改写了主线历史。")
        if not before.strip("0"):
            return None
        self.require_full_history()
        head = self.head()
        try:
            commit = self.repo.commit(before)
            self.repo.git.cat_file("-e", f"{commit.hexsha}^{{commit}}")
            replaced = not self.repo.is_ancestor(commit, head)
        except (git.BadName, ValueError, git.GitCommandError):
            replaced = True
        if replaced:
            raise CannotRun(
                f"推送前的主线头“{before[:40]}”不是当前主线（HEAD）的祖先，或已不存在：这次推送改写了主线历史（强制推送）。"
                "门户不予检查和发布；请恢复被覆盖的提交，改正请以新的合并请求提交，不要改写主线历史。"
            )
        return commit

    def merge_base(self, a: git.Commit, b: git.Commit) -> git.Commit:
        bases = self.repo.merge_base(a, b)
        if not bases:
            hint = FETCH_HINT if self.shallow else "两个修订没有共同祖先。"
            raise CannotRun(f"找不到 {a.hexsha[:10]} 与 {b.hexsha[:10]} 的合并基点。{hint}")
        return bases[0]

    def blobs(self, commit: git.Commit | str, paths: Iterable[str] | None = None) -> list[Blob]:
        """Every record file in the commit's tree (or those of ``paths``), sorted by path,
        with every symlink and submodule under ``records/`` (never followed or read)."""
        sha = commit.hexsha if isinstance(commit, git.Commit) else self.repo.commit(commit).hexsha
        out = self.repo.git.ls_tree("-r", "-z", "-l", "--full-tree", sha, "--", RECORDS)
        wanted = set(paths) if paths is not None else None
        found = []
        for entry in out.split("\0"):
            if not entry:
                continue
            meta, path = entry.split("\t", 1)
            mode, kind, sha, size = meta.split()
            if wanted is not None and path not in wanted:
                continue
            if mode in (SYMLINK, SUBMODULE) or (kind == "blob" and path.endswith(SUFFIXES)):
                found.append(Blob(path, sha, mode, int(size) if size.isdigit() else 0))
        return sorted(found, key=lambda b: b.path)

    def tree(self, rev: str) -> dict[str, str]:
        """path → blob id of every record file in the tree of commit ``rev``."""
        out = self.repo.git.ls_tree("-r", "-z", "--full-tree", rev, "--", RECORDS)
        return {path: sha for sha, path in _TREE_BLOB.findall(out) if path.endswith(SUFFIXES)}

    def _git(self, *commands: list[str]) -> list[list[str]]:
        """Run git commands on the record files at the same time; the NUL-separated fields of each output."""
        running = [
            subprocess.Popen(["git", *args, "--", RECORDS], cwd=self.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for args in commands
        ]
        out = []
        for args, proc in zip(commands, running, strict=True):
            stdout, stderr = proc.communicate()
            if proc.returncode:
                raise CannotRun(f"git {args[0]} 失败：{stderr.decode('utf-8', 'replace').strip()}")
            out.append([p for p in stdout.decode("utf-8", "surrogateescape").split("\0") if p])
        return out

    def diff_raw(self, old: str, new: str) -> str:
        """``git diff --raw -z --no-abbrev -M`` of the record files between two commits."""
        try:
            return str(self.repo.git.diff("--raw", "-z", "--no-abbrev", "-M", old, new, "--", RECORDS))
        except git.GitCommandError as exc:
            raise CannotRun(f"无法比较两个修订：{exc.stderr.strip() or exc}") from exc

    def first_parents(self, start: str, end: str) -> list[str]:
        """The commits of ``start..end`` along the first-parent chain, newest first."""
        return str(self.repo.git.rev_list("--first-parent", f"{start}..{end}")).split()

    def work_tree_files(self) -> list[str]:
        """Every record file git sees in the work tree: tracked or untracked, not ignored
        (a tracked file deleted from the work tree is listed; reading it fails)."""
        (found,) = self._git(["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate"])
        return sorted(p for p in set(found) if self._listed(p))

    def _listed(self, path: str) -> bool:
        """A record file by its name, or a symlink of any name (git lists a symlinked
        folder as one entry): one to refuse, never to skip."""
        return path.endswith(SUFFIXES) or os.path.islink(self.root / path)

    def differences(self, rev: str) -> dict[str, tuple[str | None, str | None]]:
        """The record files whose work-tree content differs from commit ``rev``, without
        reading a file: path → (blob id at ``rev`` or None, blob id in the work tree,
        "" when git has not hashed it and it must be read, or None when deleted)."""
        raw, untracked = self._git(
            ["diff", "--raw", "-z", "--no-abbrev", "--no-renames", rev], ["ls-files", "-z", "--others", "--exclude-standard"]
        )
        found: dict[str, tuple[str | None, str | None]] = {}
        for meta, path in zip(raw[::2], raw[1::2], strict=True):
            old_mode, new_mode, old, new, status = meta.split()
            link = new_mode == SYMLINK  # read from disk, and refused there: its blob may equal a record's
            if path.endswith(SUFFIXES) or link or old_mode.lstrip(":") == SYMLINK or self._listed(path):
                found[path] = (None if _null(old) else old, None if status == "D" else "" if _null(new) or link else new)
        found.update((p, (found.get(p, (None, None))[0], "")) for p in untracked if self._listed(p))  # untracked: read it
        return found

    def records_tree(self, rev: str) -> str:
        """The git tree id of ``records/`` at commit ``rev`` ("" when it has none): it names
        every record file and its content at once."""
        try:
            return str(self.repo.git.rev_parse("--verify", "-q", f"{rev}:{RECORDS}"))
        except git.GitCommandError:
            return ""

    def blobs_at(self, rev: str, paths: Iterable[str]) -> dict[str, str]:
        """The blob ids of these record files at commit ``rev`` (absent: not there)."""
        wanted = set(paths)
        return {b.path: b.sha for b in self.blobs(self.repo.commit(rev)) if b.path in wanted} if wanted else {}

    def read(self, sha: str, limit: int = MAX_BYTES) -> bytes:
        """A blob's bytes; ``TooLarge`` when it is larger than ``limit`` (checked before reading)."""
        stream = self.repo.odb.stream(bytes.fromhex(sha))
        if stream.size > limit:
            raise TooLarge(sha, stream.size, limit)
        return bytes(stream.read())

    def hash_files(self, paths: Iterable[str]) -> dict[str, str]:
        """The blob ids that files of the work tree (repo-relative paths) have as ``git add``
        would store them (``git hash-object``: nothing is written); unreadable ones are left out."""
        wanted = [p for p in dict.fromkeys(paths) if "\n" not in p and (self.root / p).is_file()]
        if not wanted:
            return {}
        proc = subprocess.run(
            ["git", "hash-object", "--stdin-paths"], cwd=self.root, input="\n".join(wanted).encode() + b"\n", capture_output=True
        )
        shas = proc.stdout.decode("ascii", "replace").split()
        return dict(zip(wanted, shas, strict=True)) if proc.returncode == 0 and len(shas) == len(wanted) else {}

    def sizes(self, shas: Iterable[str]) -> dict[str, int]:
        """The sizes of objects, from one ``git cat-file --batch-check`` (nothing is read)."""
        wanted = list(dict.fromkeys(shas))
        if not wanted:
            return {}
        proc = subprocess.run(
            ["git", "cat-file", "--batch-check"], cwd=self.root, input="\n".join(wanted).encode() + b"\n", capture_output=True
        )
        found = {}
        for line in proc.stdout.decode("ascii", "replace").splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[2].isdigit():
                found[parts[0]] = int(parts[2])
        return found

    def read_many(self, shas: Iterable[str], limit: int = MAX_BYTES) -> dict[str, bytes]:
        """The bytes of many blobs from one ``git cat-file --batch``; missing ones and those
        larger than ``limit`` (asked first, without reading them) are left out."""
        asked = list(dict.fromkeys(shas))
        sizes = self.sizes(asked)
        wanted = [sha for sha in asked if sizes.get(sha, 0) <= limit and sha in sizes]
        if not wanted:
            return {}
        proc = subprocess.run(["git", "cat-file", "--batch"], cwd=self.root, input="\n".join(wanted).encode() + b"\n", capture_output=True)
        out, found, at = proc.stdout, {}, 0
        for sha in wanted:
            end = out.find(b"\n", at)
            if end < 0:
                break
            header = out[at:end].split()
            if len(header) != 3 or header[0].decode() != sha:
                at = end + 1  # "<sha> missing"
                continue
            size = int(header[2])
            found[sha] = out[end + 1 : end + 1 + size]
            at = end + 1 + size + 1
        return found

    def read_if_present(self, sha: str) -> bytes | None:
        """A blob's bytes, or None when the object database does not have it."""
        try:
            return self.read(sha)
        except (ValueError, git.exc.ODBError):
            return None

    def trailers(self, rev: str | git.Commit) -> list[tuple[str, str]]:
        """The trailers (``Key: value`` lines at the end of the message) of one commit, in order."""
        sha = rev.hexsha if isinstance(rev, git.Commit) else rev
        return self.log_trailers(["-1", sha])[0][1]

    def log_trailers(self, revs: list[str]) -> list[tuple[str, list[tuple[str, str]]]]:
        """(commit sha, trailers) for every commit ``git log REVS`` lists, newest first: one pass.

        Git parses the trailers itself (``%(trailers)``, as ``git interpret-trailers --parse``
        does), so folded lines and the trailer block's rules are git's, not ours.
        """
        out = self.repo.git.log("-z", "--format=%H%x1f%(trailers:only,unfold)", *revs, "--")
        found = []
        for entry in out.split("\0"):
            if not entry.strip():
                continue
            sha, _, block = entry.strip("\n").partition("\x1f")
            pairs = []
            for line in block.splitlines():
                key, sep, value = line.partition(":")
                if sep and key.strip():
                    pairs.append((key.strip(), value.strip()))
            found.append((sha, pairs))
        return found
