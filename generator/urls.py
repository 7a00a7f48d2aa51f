"""Which link targets the portal may write: one judgement for every address that comes from
a record, from ``program.yaml`` or from git history (SPEC §7 Output).

A target is judged after removing every whitespace, control and format character, since a
browser drops some of them (a tab or line break inside ``java script:``) and a later step
may turn others into line breaks. What remains must be an ``http(s):`` or ``mailto:`` link,
or a relative one; a protocol-relative ``//host/…`` is another site, not a relative link.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

SCHEMES = frozenset({"http", "https", "mailto"})
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"})  # controls, format characters, surrogates, separators
_SLASHES = "/\\"  # browsers read a backslash as a slash in web addresses
# A programme's own web address: scheme, host, optional port and a plain path; no query,
# fragment, credentials, quotes, markup or anything invisible.
_WEB = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9\-._~%!$*+,;=:@/]*)?", re.ASCII)


def visible(url: str) -> str:
    """``url`` without any whitespace, control or format character."""
    if url.isascii() and url.isprintable() and " " not in url:
        return url  # the usual case: nothing to remove
    return "".join(ch for ch in url if not ch.isspace() and unicodedata.category(ch) not in _INVISIBLE)


def allowed_link(url: str) -> bool:
    """Whether a link to ``url`` may appear on the portal: ``http:``, ``https:``,
    ``mailto:`` or relative, judged on :func:`visible`."""
    target = visible(url)
    if len(target) >= 2 and target[0] in _SLASHES and target[1] in _SLASHES:
        return False  # //host: another site
    head = re.split(r"[/?#\\]", target, maxsplit=1)[0]
    return ":" not in head or head.partition(":")[0].lower() in SCHEMES


def web_address(url: str) -> str | None:
    """``url`` when it is a web address a portal or records repository may have: a link
    :func:`allowed_link` admits that is absolute ``http(s)`` with a host, its path (if any)
    starting with exactly one slash (a path ``//other.site/`` would make every page load its
    scripts from that site), nothing but plain address characters. Else None."""
    if not isinstance(url, str) or not allowed_link(url) or not _WEB.fullmatch(url) or urlsplit(url).path.startswith("//"):
        return None
    return url
