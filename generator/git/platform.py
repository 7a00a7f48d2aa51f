"""Hosting platforms' merge-signing keys, shipped with jiebang (``generator/git/keys/``).

A programme trusts one by naming it in ``program.yaml`` (``approvals.platform_keys``).
A key is trusted by its primary-key fingerprint, pinned here; the armored file only
supplies the key material git's verification needs. A key that has expired is still
accepted for commits made before it expired, as the committer date says (GitHub's
web-flow merges carry the date GitHub signed them on; a holder of the retired private
key could write an earlier one, which is why a programme can leave a platform key out).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources


@dataclass(frozen=True)
class PlatformKey:
    name: str  # as program.yaml names it
    platform: str  # who signs with it, as the public reads it
    file: str  # the armored keys, in generator/git/keys/
    fingerprints: tuple[str, ...]  # primary-key fingerprints, upper-case hex
    expired: dict[str, dt.datetime] = field(default_factory=dict)  # fingerprint → when it expired

    def armored(self) -> str:
        return resources.files("generator.git").joinpath("keys", self.file).read_text(encoding="ascii")

    def accepts(self, fingerprint: str, status: str, committed: dt.datetime) -> bool:
        """Whether a signature git judged ``status`` (``%G?``) by ``fingerprint`` counts.
        ``Y`` is a good signature by a key that has expired since."""
        if fingerprint not in self.fingerprints:
            return False
        end = self.expired.get(fingerprint)
        if end is not None:
            return status in "GUY" and committed < end
        return status in "GU"


PLATFORM_KEYS: dict[str, PlatformKey] = {
    "github-web-flow": PlatformKey(
        name="github-web-flow",
        platform="GitHub",
        file="github-web-flow.asc",
        fingerprints=(
            "968479A1AFF927E37D1A566BB5690EEEBB952194",  # RSA 4096, from 2024-01-16, no expiry
            "5DE3E0509C47EA3CF04A42D34AEE18F83AFDEB23",  # RSA 2048, 2017-08-16 to 2024-01-16 20:00 UTC
        ),
        expired={"5DE3E0509C47EA3CF04A42D34AEE18F83AFDEB23": dt.datetime(2024, 1, 16, 20, 0, tzinfo=dt.UTC)},
    ),
}


def platform_key(fingerprint: str, names: frozenset[str]) -> PlatformKey | None:
    """The platform key, among those named, whose fingerprints include this one."""
    for name in sorted(names):
        key = PLATFORM_KEYS.get(name)
        if key is not None and fingerprint in key.fingerprints:
            return key
    return None
