"""The leak check's list of what must never be published, and the search for it.

Identifying strings of a record the public may not see: its id, its title, the names and
credit codes of the units it names (end user, lead bidder, partners) and the name of its
principal investigator; and the name of every panel member of every review, public or not
(panels are never published). A string that a public record's public fields contain
(``generator.public.fields``) identifies nothing and is left out: a unit that lost one bid
and won another, a panel member who shares a name with a public principal investigator.

The same :class:`Secrets` searches every file the portal and ``jiebang export`` write
(:meth:`Secrets.find`) and cleans history text before it is shown (:meth:`Secrets.redact`).
Files are read as a reader would see them (:func:`readable`): HTML entities and percent
escapes decoded, JSON strings unescaped, iCalendar lines unfolded, gzip opened; whitespace and
zero-width characters (the search index splits Chinese words with them) are ignored.

Ids are found with ``RECORD_ID`` and looked up; every other string at once with an
Aho–Corasick automaton over UTF-8 bytes (``ahocorasick_rs``): one pass over a file whatever
the number of strings, where a regular expression alternation tries each string in turn.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import json
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import unquote

import ahocorasick_rs

from generator.models import Award, Bid, ChallengeList, Need, Record, Review
from generator.models.common import RECORD_ID
from generator.public.fields import public_fields
from generator.public.view import PublicView

HIDDEN_RECORD = "〔非公开记录〕"  # an id of a record the public may not see, in history text
WITHHELD = "〔非公开信息〕"  # any other identifying string, in history text
NOT_RECORDS = frozenset({"program", "redactions"})  # kinds without ids of the record pattern; never on a page as records
MIN_LENGTH = 2  # characters: a single character identifies nothing
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")
_PERCENT = re.compile(r"(?:%[89A-Fa-f][0-9A-Fa-f])+")  # percent-escaped UTF-8 (ids and ASCII names are never escaped)
GZIP = b"\x1f\x8b"
PAGEFIND = b"pagefind_dcd"  # what Pagefind writes before the content of each of its files, inside the gzip
BINARY = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".woff", ".woff2", ".ttf", ".otf", ".eot", ".zip"})


def normal(text: str) -> str:
    """Text without whitespace and zero-width characters: what the search compares."""
    text = "".join(text.split())
    for char in ZERO_WIDTH:
        if char in text:
            text = text.replace(char, "")
    return text


class Secrets:
    """Identifying strings of what the public may not see, each with how a finding names it
    (a record id, or “L-2024-002 的名称” — never the string itself)."""

    def __init__(self, ids: Mapping[str, str], strings: Mapping[str, str]) -> None:
        self.ids = dict(ids)  # hidden record id → label
        self.strings = {s: label for s, label in strings.items() if len(s) >= MIN_LENGTH}  # normal form → label
        self._patterns = list(self.strings)
        self._automaton = ahocorasick_rs.BytesAhoCorasick([s.encode() for s in self._patterns]) if self._patterns else None

    @classmethod
    def of(cls, view: PublicView, public_too: Iterable[str] = (), now: PublicView | None = None) -> Secrets:
        """Everything that identifies a record ``view`` does not show; ``public_too``: more
        texts the portal shows on purpose (the rule catalogue), never counted as secrets.
        ``now``: whose public texts decide what is not secret (for an earlier revision: HEAD's,
        so that an earlier text naming a record withheld since does not make its name public)."""
        ids: dict[str, str] = {}
        candidates: dict[str, str] = {}
        for rec in view.corpus:
            if rec.kind in NOT_RECORDS:
                continue
            if rec.id not in view.ids:
                ids[rec.id] = f"记录 {rec.id}"
                for text, what in _identifying(rec):
                    candidates.setdefault(normal(text), f"{rec.id} 的{what}")
            if isinstance(rec, Review):
                for member in rec.panel:
                    candidates.setdefault(normal(member.name), f"{rec.id} 的评审专家姓名")
        known = {normal(t) for t in (*public_texts(now or view), *public_too)}
        draft = cls(ids, {s: label for s, label in candidates.items() if s not in known})
        return draft.without_found_in(known)

    def without_found_in(self, texts: Iterable[str]) -> Secrets:
        """These secrets less every string that occurs in ``texts`` (already in normal form)."""
        if self._automaton is None:
            return self
        found = self._indexes("\n".join(texts), overlapping=True)
        if not found:
            return self
        return Secrets(self.ids, {s: label for i, (s, label) in enumerate(self.strings.items()) if i not in found})

    def without(self, texts: Iterable[str]) -> Secrets:
        return self.without_found_in(normal(t) for t in texts)

    def _indexes(self, text: str, overlapping: bool = False) -> set[int]:
        assert self._automaton is not None
        return {i for i, _, _ in self._automaton.find_matches_as_indexes(text.encode(), overlapping=overlapping)}

    def find(self, text: str) -> list[str]:
        """How each secret ``text`` contains is named, sorted and each once."""
        found = {self.ids[m] for m in RECORD_ID.findall(text) if m in self.ids}
        if self._automaton is not None:
            found |= {self.strings[self._patterns[i]] for i in self._indexes(normal(text))}
        return sorted(found)

    def redact(self, text: str) -> str:
        """``text`` with hidden ids and identifying strings replaced; when a string is found
        only with whitespace ignored, the whole text is withheld."""
        text = RECORD_ID.sub(lambda m: HIDDEN_RECORD if m[0] in self.ids else m[0], text)
        if self._automaton is None or len(text) < MIN_LENGTH:
            return text
        for i in sorted(self._indexes(normal(text), overlapping=True), key=lambda i: -len(self._patterns[i])):
            pattern = self._patterns[i]
            if pattern not in text:
                return WITHHELD
            text = text.replace(pattern, WITHHELD)
        return text


def _identifying(rec: Record) -> Iterator[tuple[str, str]]:
    """(text, what it is) for each identifying string of one record."""
    title = getattr(rec, "title", None)
    if isinstance(title, str):
        yield title, "名称"
    if isinstance(rec, ChallengeList | Need):
        yield from _unit(rec.end_user, "需求单位")
    if isinstance(rec, ChallengeList):
        if rec.issuer is not None:
            yield from _unit(rec.issuer, "发榜方")
        for other in rec.funding.others:
            yield from _unit(other.payer, "出资方")
    if isinstance(rec, Bid):
        for unit in (rec.lead, *rec.partners):
            yield from _unit(unit, "揭榜单位")
        yield rec.principal_investigator.name, "项目负责人"
    if isinstance(rec, Award) and rec.payer is not None:
        yield from _unit(rec.payer, "出资方")


def _unit(unit: Any, what: str) -> Iterator[tuple[str, str]]:
    """A unit's name and, where it has one, its credit code (teams and individuals have none)."""
    yield unit.name, what
    if getattr(unit, "credit_code", None):
        yield unit.credit_code, f"{what}代码"


def public_texts(view: PublicView) -> Iterator[str]:
    """Every text of the public fields of every public record, and of the programme."""
    records: list[Record] = [r for r in view.corpus if r.id in view.ids]
    if view.program is not None:
        records.append(view.program)
    for rec in records:
        allowed = public_fields(rec.kind)
        yield from strings_in(rec.model_dump(mode="json", include=set(allowed.fields)))


def strings_in(value: Any) -> Iterator[str]:
    """Every text in a JSON-form value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)


def readable(name: str, raw: bytes) -> str:
    """A written file's text as a reader sees it; "" for images and fonts. Gzip is opened
    whatever the file's name (the search index's chunks and fragments are gzip files)."""
    if name.endswith(".gz") or raw.startswith(GZIP):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error):
            return raw.decode("latin-1")  # not gzip after all: search the bytes as they are
        name = name.removesuffix(".gz")
    suffix = name[name.rfind(".") :].lower() if "." in name.rsplit("/", 1)[-1] else ""
    if suffix in BINARY:
        return ""
    if raw.startswith(PAGEFIND):  # Pagefind's files: a fragment is JSON, an index chunk CBOR (text as UTF-8)
        raw = raw[len(PAGEFIND) :]
        suffix = ".json" if suffix == ".pf_fragment" else suffix
    text = raw.decode("utf-8-sig", errors="replace")
    if suffix == ".json":
        with contextlib.suppress(ValueError):
            text = "\n".join(_strings_and_keys(json.loads(text)))
    elif suffix == ".ics":
        text = re.sub(r"\r?\n[ \t]", "", text).replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n").replace("\\N", "\n")
    text = html.unescape(text)
    return _PERCENT.sub(lambda m: unquote(m[0]), text) if "%" in text else text


def _strings_and_keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings_and_keys(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings_and_keys(v)
    elif value is not None:
        yield str(value)
