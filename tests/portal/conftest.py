"""Portal fixtures: the base programme plus records that must stay off the portal
(a restricted list and everything depending on it, a draft list, an unselected bid), an
open call with an amended list, and a list carrying injected markup."""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from generator.portal.build import build_portal
from generator.records.tree import load_tree
from tests.conftest import FIXTURES, apply_edits, make_records

PORTAL = FIXTURES / "portal"
AS_OF = dt.date(2024, 7, 10)  # the base notice R-2024-002 is in its 公示 window; call C-2024-02 is open


def portal_records(
    root: Path,
    edit: Mapping[str, Sequence[Sequence[str]]] | None = None,
    write: Mapping[str, str] | None = None,
    delete: Sequence[str] = (),
) -> Path:
    """The base set, the portal fixture's extra files and the base call listing the restricted
    list; then ``edit`` (on any of those files), ``write`` and ``delete`` as in ``make_records``."""
    extra = {p.relative_to(PORTAL).as_posix(): p.read_text(encoding="utf-8") for p in sorted(PORTAL.rglob("*.yaml"))}
    make_records(root, edit={"records/calls/C-2024-01.yaml": [["lists: [L-2024-001]", "lists: [L-2024-001, L-2024-002]"]]}, write=extra)
    return apply_edits(root, edit, write, delete)


def build(root: Path, out: Path | None = None, **kw: object) -> Path:
    """Build without the validation gate (the fixture carries markup that P003 would refuse)."""
    kw.setdefault("as_of", AS_OF)
    kw.setdefault("check", False)
    return build_portal(root, out or root / "public", **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def portal_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return portal_records(tmp_path_factory.mktemp("portal") / "repo")


@pytest.fixture(scope="session")
def site(portal_root: Path) -> Path:
    """The portal built once from the portal fixture."""
    return build(portal_root)


@pytest.fixture(scope="session")
def corpus(portal_root: Path):  # type: ignore[no-untyped-def]
    return load_tree(portal_root).corpus


def site_files(site: Path) -> Iterator[tuple[str, str]]:
    """(relative path, text) of every file under the site; gzip is opened (the search index's
    files are gzip whatever their names), images skipped."""
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        if path.suffix in (".png", ".jpg", ".ico", ".woff", ".woff2"):
            continue
        raw = path.read_bytes()
        if raw.startswith(b"\x1f\x8b"):
            raw = gzip.decompress(raw)
        yield rel, raw.decode("utf-8-sig", errors="replace")


def page(site: Path, url: str) -> str:
    """The HTML of a page by its URL path, e.g. ``lists/L-2024-001/``."""
    return (site / url / "index.html").read_text(encoding="utf-8")
