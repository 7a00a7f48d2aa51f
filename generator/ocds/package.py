"""The OCDS files: the release package (every release) and the record package (per process,
the releases linked and merged into a compiled release, as ``ocdskit compile --linked-releases``
makes it)."""

from __future__ import annotations

from typing import Any

import ocdsmerge

from generator.models import Program
from generator.ocds.codes import MERGE_RULES, SCHEME, VERSION
from generator.ocds.process import date_time
from generator.ocds.releases import Releases
from generator.public.view import PublicView

RELEASES_FILE = "ocds.json"
RECORDS_FILE = "ocds-records.json"


def _program(view: PublicView) -> Program:
    assert view.program is not None, "open data needs records/program.yaml"
    return view.program


def publisher(program: Program) -> dict[str, str]:
    """The programme's issuer, with its 统一社会信用代码 when the programme gives it."""
    out = {"name": program.issuer}
    if program.credit_code:
        out |= {"scheme": SCHEME, "uid": program.credit_code}
    return out


def _uri(program: Program, name: str) -> str:
    return f"{program.portal.base_url}data/{name}"


def release_package(view: PublicView, found: Releases) -> dict[str, Any]:
    """Every release of every public process, by ocid and date."""
    program = _program(view)
    return {
        "uri": _uri(program, RELEASES_FILE),
        "version": VERSION,
        "publishedDate": date_time(view.as_of),
        "publisher": publisher(program),
        "license": program.open_data.licence.url,
        "publicationPolicy": f"{program.portal.base_url}data/",
        "releases": found.all(),
    }


def record_package(view: PublicView, found: Releases) -> dict[str, Any]:
    """One record per process: its releases (linked into the release package) and the compiled
    release that merging them gives."""
    program = _program(view)
    merger = ocdsmerge.Merger(merge_rules=MERGE_RULES)
    linked = _uri(program, RELEASES_FILE)
    records = []
    for list_id in sorted(found.by_list):
        releases = found.by_list[list_id]
        records.append(
            {
                "ocid": releases[0]["ocid"],
                "releases": [{"url": f"{linked}#{r['id']}", "date": r["date"], "tag": r["tag"]} for r in releases],
                "compiledRelease": merger.create_compiled_release(releases),
            }
        )
    return {
        "uri": _uri(program, RECORDS_FILE),
        "publisher": publisher(program),
        "publishedDate": date_time(view.as_of),
        "license": program.open_data.licence.url,
        "publicationPolicy": f"{program.portal.base_url}data/",
        "version": VERSION,
        "packages": [linked],
        "records": records,
    }
