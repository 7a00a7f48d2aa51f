"""git's allowed-signers format (``gpg.ssh.allowedSignersFile``): which SSH keys sign for whom.

One key a line: ``principals [options] keytype base64-key [comment]``; ``#`` starts a
comment line; principals are comma-separated and, like options, may be double-quoted.
The options honoured are those git's verification honours: ``namespaces`` (a key that
may not sign in the ``git`` namespace signs no commit), ``valid-after`` and
``valid-before`` (compared, as git does, with the commit's committer date, which the
signer writes: they describe a key, they cannot retire one). A ``cert-authority`` line
trusts certificates, which jiebang does not verify: such a line trusts nothing.

A key's fingerprint is the one ``ssh-keygen -l`` and git's ``%GF`` print:
``SHA256:`` and the unpadded base64 of the SHA-256 of the key blob.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
import struct
from dataclasses import dataclass

from generator.dates import SHANGHAI

KEY_TYPES = frozenset(
    {
        "ssh-ed25519",
        "ssh-rsa",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    }
)
_TIME = re.compile(r"^(\d{8})(\d{4}(\d{2})?)?(Z?)$", re.IGNORECASE)
_FIELDS = re.compile(r'(?:"[^"]*"|[^\s"])+')
_OPTIONS = re.compile(r'(?:"[^"]*"|[^,"])+')


@dataclass(frozen=True)
class SignerKey:
    """One line of the file: a key and whom it signs for."""

    line: int
    principals: tuple[str, ...]
    key_type: str
    fingerprint: str
    namespaces: tuple[str, ...] | None = None  # None: every namespace
    valid_after: dt.datetime | None = None
    valid_before: dt.datetime | None = None
    cert_authority: bool = False

    @property
    def principal(self) -> str:
        """The name shown for the signer: the first principal."""
        return self.principals[0]

    def signs_commit(self, committed: dt.datetime) -> bool:
        """Whether git would accept this key's signature on a commit with this committer date."""
        if self.cert_authority or (self.namespaces is not None and not {"git", "*"} & set(self.namespaces)):
            return False
        if self.valid_after is not None and committed < self.valid_after:
            return False
        return self.valid_before is None or committed <= self.valid_before


@dataclass(frozen=True)
class AllowedSigners:
    """One version of the file: its keys and the numbers of the lines that are not keys."""

    keys: tuple[SignerKey, ...]
    invalid_lines: tuple[int, ...] = ()

    def by_fingerprint(self) -> dict[str, SignerKey]:
        """Each fingerprint's first line (git, too, takes the first line that matches)."""
        found: dict[str, SignerKey] = {}
        for key in self.keys:
            found.setdefault(key.fingerprint, key)
        return found


def fingerprint(blob: bytes) -> str:
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def parse(text: str) -> AllowedSigners:
    keys, invalid = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key = _line(number, line)
        if key is None:
            invalid.append(number)
        else:
            keys.append(key)
    return AllowedSigners(tuple(keys), tuple(invalid))


def _line(number: int, line: str) -> SignerKey | None:
    fields = _FIELDS.findall(line)
    if len(fields) < 3:
        return None
    principals, rest = fields[0], fields[1:]
    options: dict[str, str | None] = {}
    if rest[0] not in KEY_TYPES:
        for option in _OPTIONS.findall(rest[0]):
            name, eq, value = option.partition("=")
            options[name.lower()] = value.strip('"') if eq else None
        rest = rest[1:]
    if len(rest) < 2 or rest[0] not in KEY_TYPES:
        return None
    blob = _key_blob(rest[0], rest[1])
    names = tuple(p for p in principals.strip('"').split(",") if p)
    if blob is None or not names or set(options) - {"namespaces", "valid-after", "valid-before", "cert-authority"}:
        return None
    try:
        after, before = (_time(options.get(k)) for k in ("valid-after", "valid-before"))
    except ValueError:
        return None
    spaces = options.get("namespaces")
    return SignerKey(
        line=number,
        principals=names,
        key_type=rest[0],
        fingerprint=fingerprint(blob),
        namespaces=tuple(s.strip() for s in spaces.split(",")) if spaces is not None else None,
        valid_after=after,
        valid_before=before,
        cert_authority="cert-authority" in options,
    )


def _key_blob(key_type: str, text: str) -> bytes | None:
    """The decoded key, if it is one: its blob starts with its own type name."""
    try:
        blob = base64.b64decode(text, validate=True)
        (size,) = struct.unpack(">I", blob[:4])
    except (binascii.Error, ValueError, struct.error):
        return None
    return blob if blob[4 : 4 + size] == key_type.encode() else None


def _time(value: str | None) -> dt.datetime | None:
    """``YYYYMMDD[HHMM[SS]][Z]``: UTC with ``Z``, else Beijing time (where ssh-keygen would use
    the machine's zone, jiebang uses the programme's, so that every machine agrees)."""
    if value is None:
        return None
    m = _TIME.match(value)
    if m is None:
        raise ValueError(value)
    digits = m[1] + (m[2] or "0000") + ("" if m[3] else "00")
    when = dt.datetime.strptime(digits, "%Y%m%d%H%M%S")
    return when.replace(tzinfo=dt.UTC if m[4] else SHANGHAI)
