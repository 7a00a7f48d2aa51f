"""The data the figures run on: synthetic record sets, git repositories of them, and a
scripted history of thousands of commits (built with ``git fast-import``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import shutil
import subprocess
from pathlib import Path

from benchmarks import synth
from benchmarks.yamlout import dump
from generator.schemas import write_schemas

HERE = Path(__file__).parent
GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_AUTHOR_DATE": "2026-10-01T00:00:00+08:00",  # just after the synthetic programme's last event
    "GIT_COMMITTER_DATE": "2026-10-01T00:00:00+08:00",
}


def _stamp(*parts: object) -> str:
    """Changes when the generator's code or the parameters change."""
    digest = hashlib.sha256(repr(parts).encode())
    for name in ("synth.py", "programme.py", "projects.py", "schedule.py", "pools.py", "yamlout.py", "data.py"):
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()[:16]


def programme(work: Path, lists: int) -> tuple[Path, int]:
    """A record set of ``lists`` lists under ``work/lists-N`` (made once, then reused)
    with the committed JSON Schemas beside it; returns its root and file count."""
    root = work / f"lists-{lists}"
    stamp_file = root / "stamp.json"
    stamp = _stamp(lists, synth.NOW)
    if stamp_file.is_file():
        saved = json.loads(stamp_file.read_text())
        if saved.get("stamp") == stamp:
            return root, int(saved["files"])
    if root.exists():
        shutil.rmtree(root)
    counts = synth.write_programme(root, lists)
    write_schemas(root / "schemas")
    files = sum(counts.values())
    stamp_file.write_text(json.dumps({"stamp": stamp, "files": files}))
    return root, files


def git(root: Path, *args: str, stdin: bytes | None = None) -> str:
    out = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, check=True, env={**os.environ, **GIT_ENV})
    return out.stdout.decode("utf-8", "replace")


def committed(root: Path) -> None:
    """Make the record set a git repository with one commit (once), work tree clean."""
    if (root / ".git").is_dir():
        git(root, "checkout", "-q", "--", "records")
        return
    git(root, "init", "-q", "-b", "main")
    (root / ".gitignore").write_text("/stamp.json\n/.jiebang-cache/\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Synthetic programme")


def one_file_change(root: Path) -> str:
    """Edit one need's problem statement in the work tree (no rule cares); return its path."""
    path = sorted((root / "records" / "needs").rglob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("problem: ", "problem: 经复核，", 1), encoding="utf-8")
    return path.relative_to(root).as_posix()


def scripted_history(work: Path, commits: int, files: int, seed: int = 1) -> tuple[Path, list[str]]:
    """A repository whose main line has ``commits`` squash-merged changes to ``files``
    record files: each file is added by one commit, the rest edit random files. Built
    in one ``git fast-import`` stream; returns its root and the record files."""
    root = work / f"history-{commits}x{files}"
    stamp = _stamp("history", commits, files, seed)
    if (root / "stamp").is_file() and (root / "stamp").read_text() == stamp:
        return root, (root / "files").read_text().split("\n")
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    records = []
    for record in synth.Programme(max(2, files // 5), seed).records():
        records.append((synth.path_of(record), dump(record)))
        if len(records) == files:
            break
    rng = random.Random(seed)
    texts = dict(records)
    paths = [p for p, _ in records]
    start = dt.datetime(2020, 1, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    stream = bytearray()
    for k in range(commits):
        if k < len(records):
            path = paths[k]
            subject = f"Add {Path(path).stem} (#{k + 1})"
        else:
            path = rng.choice(paths)
            texts[path] += f"# 第 {k} 次修订\n"
            subject = f"Amend {Path(path).stem} (#{k + 1})"
        message = f"{subject}\n\nApproved-by: 王某 <wang@example.invalid>\n".encode()
        content = texts[path].encode()
        when = int((start + dt.timedelta(hours=k)).timestamp())
        stream += b"commit refs/heads/main\n"
        stream += f"author 科员{k % 7} <clerk{k % 7}@example.invalid> {when} +0800\n".encode()
        stream += f"committer bench <bench@example.invalid> {when} +0800\n".encode()
        stream += b"data %d\n%s\n" % (len(message), message)
        stream += b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(content), content)
    git(root, "init", "-q", "-b", "main")
    git(root, "fast-import", "--quiet", stdin=bytes(stream))
    git(root, "reset", "-q", "--hard", "main")
    (root / "files").write_text("\n".join(paths))
    (root / "stamp").write_text(stamp)
    return root, paths
