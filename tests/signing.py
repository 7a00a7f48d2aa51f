"""Signing keys made inside a test: SSH keys by ``ssh-keygen``, an OpenPGP key by ``gpg``
in a throwaway GnuPG home (it stands in for a hosting platform's merge-signing key)."""

from __future__ import annotations

import base64
import datetime as dt
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.git.allowed_signers import fingerprint
from generator.git.platform import PlatformKey
from tests.conftest import git

SIGNERS = ".github/allowed_signers"
# How GitHub writes a merge made in its web interface: the merging user is the author.
GITHUB_MERGE = {
    "GIT_AUTHOR_NAME": "陈静",
    "GIT_AUTHOR_EMAIL": "12345+chenjing@users.noreply.github.com",
    "GIT_COMMITTER_NAME": "GitHub",
    "GIT_COMMITTER_EMAIL": "noreply@github.com",
}


@dataclass(frozen=True)
class SshKey:
    path: Path  # the private key, for user.signingkey
    public: str  # "ssh-ed25519 AAAA…"

    @property
    def fingerprint(self) -> str:
        return fingerprint(base64.b64decode(self.public.split()[1]))

    def line(self, principal: str, options: str = "") -> str:
        """Its line in an allowed-signers file."""
        return f"{principal} {options + ' ' if options else ''}{self.public}\n"

    def sign(self) -> tuple[str, ...]:
        """``git`` options that make ``commit -S`` / ``merge -S`` sign with this key."""
        return ("-c", "gpg.format=ssh", "-c", f"user.signingkey={self.path}")


def ssh_key(folder: Path, name: str) -> SshKey:
    """An ed25519 key ``folder/name`` (made on first use, then reused)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)], check=True, capture_output=True)
    return SshKey(path, " ".join(path.with_suffix(".pub").read_text(encoding="ascii").split()[:2]))


@dataclass(frozen=True)
class GpgKey:
    home: str  # its GnuPG home (set GNUPGHOME to sign)
    fingerprint: str
    armored: str

    def sign(self) -> tuple[str, ...]:
        return ("-c", "gpg.format=openpgp", "-c", f"user.signingkey={self.fingerprint}")

    def env(self) -> dict[str, str]:
        return {"GNUPGHOME": self.home}

    def platform(self, expired: dt.datetime | None = None) -> PlatformKey:
        """A platform key with this key's fingerprint (the tests' stand-in for GitHub's
        web-flow key): put it in PLATFORM_KEYS with ``monkeypatch.setitem``."""
        return _TestPlatformKey(
            "github-web-flow", "GitHub", "", (self.fingerprint,), {self.fingerprint: expired} if expired else {}, text=self.armored
        )


@dataclass(frozen=True)
class _TestPlatformKey(PlatformKey):
    text: str = ""

    def armored(self) -> str:
        return self.text


@contextmanager
def gpg_key(uid: str = "GitHub (test) <noreply@github.com>", expires: str = "never", faked_time: str | None = None) -> Iterator[GpgKey]:
    """A passphrase-less OpenPGP signing key; its home is short (gpg's socket paths are limited)."""
    if shutil.which("gpg") is None:
        pytest.skip("gpg is not installed")
    home = tempfile.mkdtemp(prefix="jbt-")
    env = {**os.environ, "GNUPGHOME": home}
    try:
        os.chmod(home, 0o700)
        conf = "no-auto-key-retrieve\n" + (f"faked-system-time {faked_time}!\n" if faked_time else "")
        Path(home, "gpg.conf").write_text(conf, encoding="ascii")
        run = {"env": env, "check": True, "capture_output": True, "text": True}
        subprocess.run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", expires], **run)  # type: ignore[call-overload]
        listing = subprocess.run(["gpg", "--batch", "--with-colons", "--list-keys"], **run).stdout  # type: ignore[call-overload]
        fpr = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr"))
        armored = subprocess.run(["gpg", "--batch", "--armor", "--export", fpr], **run).stdout  # type: ignore[call-overload]
        yield GpgKey(home, fpr, armored)
    finally:
        subprocess.run(["gpgconf", "--kill", "all"], env=env, check=False, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


Signer = SshKey | GpgKey | None


class Repo:
    """A throwaway repository whose main line is scripted commit by commit, each a minute
    after the last; pull requests are branches merged with ``--no-ff`` (or squashed)."""

    def __init__(self, root: Path, start: dt.datetime = dt.datetime(2024, 6, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))) -> None:
        self.root = root
        self.clock = start
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        isolated = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", **(env or {})}
        return git(self.root, *args, date=self.clock.isoformat(), env=isolated).strip()

    def write(self, files: dict[str, str]) -> None:
        for rel, text in files.items():
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.git("add", rel)

    def commit(self, message: str, files: dict[str, str] | None = None, key: Signer = None, env: dict[str, str] | None = None) -> str:
        """A commit on the current branch (``--allow-empty``: the message is what counts)."""
        self.write(files or {})
        self.clock += dt.timedelta(minutes=1)
        self.git(*_signing(key), "commit", "-q", "--allow-empty", *(["-S"] if key else []), "-m", message, env=_env(key, env))
        return self.head()

    def merge(
        self, n: int, files: dict[str, str], key: Signer = None, message: str | None = None, env: dict[str, str] | None = None
    ) -> str:
        """Pull request #n: an unsigned commit on a branch, merged into main by a merge commit."""
        branch = f"pr-{n}-{self.clock:%H%M}"
        self.git("checkout", "-q", "-b", branch)
        self.commit(f"Change for #{n}", files)
        self.git("checkout", "-q", "main")
        self.clock += dt.timedelta(minutes=1)
        title = message or f"Merge pull request #{n} from kjj/{branch}"
        self.git(*_signing(key), "merge", "-q", "--no-ff", *(["-S"] if key else []), branch, "-m", title, env=_env(key, env))
        return self.head()

    def squash(self, n: int, files: dict[str, str], key: Signer = None, body: str = "", env: dict[str, str] | None = None) -> str:
        """Pull request #n squashed onto main: one commit titled ``… (#n)``."""
        return self.commit(f"Update records (#{n})" + (f"\n\n{body}" if body else ""), files, key, env)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def text(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")


def _signing(key: Signer) -> tuple[str, ...]:
    return key.sign() if key is not None else ()


def _env(key: Signer, env: dict[str, str] | None) -> dict[str, str]:
    return {**(key.env() if isinstance(key, GpgKey) else {}), **(env or {})}
