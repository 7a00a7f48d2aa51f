"""Signatures on the main line: one ``git log`` pass, every signature checked by git itself.

The pass lists every commit of the main line (first parents) with git's verdict on its
signature (``%G?``), the signing key's fingerprint (``%GF``; ``%GP``, the primary key's,
for OpenPGP) and, from ``--raw``, each version of ``.github/allowed_signers``. Git runs
``ssh-keygen`` or ``gpg`` for every signed commit; nothing here parses a signature.

Which key is trusted at which point is decided by the caller from fingerprints
(``history/approvals.py``). So git is given an *empty* allowed-signers file: a good SSH
signature then reads ``U`` with its fingerprint (an SSH signature carries its public
key), a bad one ``B``. OpenPGP signatures are checked against a temporary keyring that
holds only the named platform keys, offline (no agent, no key server), with gpg's own
trust model switched off (``trust-model always``): trust is the pinned fingerprints.
The user's ``~/.gnupg`` and the repository's signing configuration play no part.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.errors import CannotRun
from generator.git.log import FileChange, log_entries, pull_request
from generator.git.platform import PlatformKey
from generator.git.repo import GitRecords

SIGNERS_FILE = ".github/allowed_signers"
# NUL between fields (see log.log_entries); attacker-written text (names, title) after git's own.
_FIELDS = ("%H", "%P", "%cI", "%G?", "%GF", "%GP", "%an", "%ae", "%cn", "%s")
_GPG_CONF = "no-autostart\ntrust-model always\nno-auto-key-retrieve\nauto-key-locate local\nno-greeting\nno-permission-warning\n"
_DIRMNGR_CONF = "disable-http\ndisable-ldap\n"


@dataclass(frozen=True)
class SignedCommit:
    """A main-line commit and git's verdict on its signature."""

    sha: str
    parents: tuple[str, ...]
    committed: dt.datetime  # committer date, as the committer wrote it
    status: str  # %G?: G/U good, Y good by a key expired since, B bad, X expired signature, R revoked key, E not checkable, N none
    fingerprint: str | None  # SSH "SHA256:…", or the OpenPGP primary key's hex fingerprint
    author: str
    email: str
    committer: str
    subject: str
    signers_changed: bool  # this commit changed .github/allowed_signers
    signers_blob: str | None  # its new blob; None when it deleted the file (or did not change it)

    @property
    def pr(self) -> int | None:
        return pull_request(self.subject, len(self.parents))

    @property
    def ssh(self) -> bool:
        return bool(self.fingerprint and self.fingerprint.startswith("SHA256:"))


def main_line_signatures(src: GitRecords, head: str, platform_keys: Iterable[PlatformKey]) -> list[SignedCommit]:
    """Every commit on the main line of ``head`` (a full commit id), newest first."""
    keys = list(platform_keys)
    for tool in ("ssh-keygen", *(("gpg", "gpgconf") if keys else ())):
        if shutil.which(tool) is None:
            raise CannotRun(f"无法核验提交签名：找不到 {tool}。请安装 OpenSSH 客户端{'与 GnuPG' if keys else ''}后重试。")
    with _sandbox(keys) as (signers, gnupghome):
        out = _log(src.root, head, signers, gnupghome)
    return [_commit(header, changes) for header, changes in log_entries(out, len(_FIELDS))]


def _log(root: Path, head: str, signers: Path, gnupghome: Path) -> str:
    config = {
        "gpg.ssh.allowedSignersFile": str(signers),
        "gpg.program": "gpg",
        "gpg.openpgp.program": "gpg",
        "gpg.ssh.program": "ssh-keygen",
        "log.showSignature": "false",
        "i18n.logOutputEncoding": "UTF-8",
    }
    args = [arg for key, value in config.items() for arg in ("-c", f"{key}={value}")]
    log = ["log", "--first-parent", "--diff-merges=first-parent", "--raw", "--no-renames", "-z", "--no-abbrev"]
    env = {**os.environ, "GNUPGHOME": str(gnupghome), "LC_ALL": "C"}
    proc = subprocess.run(["git", *args, *log, "--format=" + "%x00".join(_FIELDS), head, "--"], cwd=root, env=env, capture_output=True)
    if proc.returncode:
        raise CannotRun(f"无法读取提交签名：{proc.stderr.decode('utf-8', 'replace').strip()}")
    return proc.stdout.decode("utf-8", "surrogateescape")


def _commit(header: list[str], changes: list[FileChange]) -> SignedCommit:
    sha, parents, date, status, key, primary, author, email, committer, subject = header
    mine = [c for c in changes if c.path == SIGNERS_FILE]
    return SignedCommit(
        sha=sha,
        parents=tuple(parents.split()),
        committed=dt.datetime.fromisoformat(date),
        status=status,
        fingerprint=(primary or key) or None,
        author=author,
        email=email,
        committer=committer,
        subject=subject,
        signers_changed=bool(mine),
        signers_blob=mine[-1].new_blob if mine else None,
    )


@contextlib.contextmanager
def _sandbox(keys: list[PlatformKey]) -> Iterator[tuple[Path, Path]]:
    """An empty allowed-signers file and an offline GnuPG home holding only ``keys``;
    gpg's processes for that home are ended and everything removed afterwards."""
    # gpg's socket paths must stay short: a temporary folder, never the repository's.
    root = Path(tempfile.mkdtemp(prefix="jiebang-sig-"))
    home = root / "gnupg"
    try:
        home.mkdir(mode=0o700)
        (home / "gpg.conf").write_text(_GPG_CONF, encoding="ascii")
        (home / "dirmngr.conf").write_text(_DIRMNGR_CONF, encoding="ascii")
        signers = root / "allowed_signers"
        signers.write_bytes(b"")
        for key in keys:
            _import(home, key)
        yield signers, home
    finally:
        if shutil.which("gpgconf"):
            subprocess.run(["gpgconf", "--kill", "all"], env={**os.environ, "GNUPGHOME": str(home)}, capture_output=True, check=False)
        shutil.rmtree(root, ignore_errors=True)


def _import(home: Path, key: PlatformKey) -> None:
    """Import the key's armored file; the pinned fingerprints must then be in the keyring
    (gpg's exit code is not the test: it also reports an agent it was told not to start)."""
    env = {**os.environ, "GNUPGHOME": str(home), "LC_ALL": "C"}
    proc = subprocess.run(["gpg", "--batch", "--import"], input=key.armored().encode("ascii"), env=env, capture_output=True, check=False)
    listing = subprocess.run(["gpg", "--batch", "--with-colons", "--list-keys"], env=env, capture_output=True, check=False).stdout.decode(
        "ascii", "replace"
    )
    found = {line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:")}
    if not set(key.fingerprints) <= found:
        raise CannotRun(f"无法载入平台签名密钥 {key.name}：{proc.stderr.decode('utf-8', 'replace').strip()}")
