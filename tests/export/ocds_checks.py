"""The official checks of OCDS data, run offline against the 1.1.5 schema stored in
``tests/fixtures/ocds/1.1.5/`` (see its README): the release-package and record-package JSON
Schemas (python-jsonschema, draft 4, formats checked), libcoveocds (the OCDS Data Review Tool's
library) and ocdskit's compile.

libcoveocds reads the standard from a ZIP of the standard repository (its ``standard_zip``
setting, handed to ocdsextensionregistry): the stored files are zipped in memory. One thing it
cannot be told: for a record package it dereferences ``record-package-schema.json`` with
jsonref's default loader, which fetches ``versioned-release-validation-schema.json`` over HTTP.
:func:`cove` gives jsonref a loader that reads the stored file instead and refuses any other
address, and :func:`offline` makes any network access an error while the checks run.
"""

from __future__ import annotations

import functools
import io
import json
import socket
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jsonref
import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.conftest import FIXTURES

OCDS = FIXTURES / "ocds" / "1.1.5"
BASE = "https://standard.open-contracting.org/schema/1__1__5/"


def stored(name: str) -> dict[str, Any]:
    return json.loads((OCDS / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@functools.cache
def _registry() -> Registry:
    names = ("release-schema.json", "versioned-release-validation-schema.json")
    return Registry().with_resources((BASE + n, Resource.from_contents(stored(n), default_specification=DRAFT4)) for n in names)


def schema_errors(package: dict[str, Any]) -> list[str]:
    """Where a release or record package breaks its official 1.1.5 schema (formats included)."""
    name = "record-package-schema.json" if "records" in package else "release-package-schema.json"
    validator = Draft4Validator(stored(name), registry=_registry(), format_checker=Draft4Validator.FORMAT_CHECKER)
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(package))


@contextmanager
def offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Any attempt to reach the network fails (until the block ends, as do its other patches)."""

    def refused(*args: object, **kwargs: object) -> None:
        raise OSError("network access during an offline check")

    with monkeypatch.context() as m:
        m.setattr(socket, "getaddrinfo", refused)
        m.setattr(socket, "create_connection", refused)
        m.setattr(socket.socket, "connect", refused)
        yield m


def _standard_zip() -> bytes:
    """The stored schema files laid out as the standard repository's ZIP (``<top>/schema/…``)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("standard/", b"")
        for path in sorted(p for p in OCDS.rglob("*") if p.suffix in (".json", ".csv")):
            z.write(path, "standard/schema/" + path.relative_to(OCDS).as_posix())
    return buf.getvalue()


def _load_stored(uri: str, **kwargs: object) -> Any:
    if not uri.startswith(BASE) or not (OCDS / uri.removeprefix(BASE)).is_file():
        raise OSError(f"{uri} is not stored")
    return stored(uri.removeprefix(BASE))


def cove(package: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What libcoveocds reports about a package (API context: every check, no conversion)."""
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    config = LibCoveOCDSConfig({"standard_zip": _standard_zip(), "context": "api"})
    with offline(monkeypatch) as m:
        m.setattr(jsonref, "replace_refs", functools.partial(jsonref.replace_refs, loader=_load_stored))
        return ocds_json_output("", json_data=package, lib_cove_ocds_config=config)  # type: ignore[no-any-return]


def cove_findings(report: dict[str, Any]) -> dict[str, Any]:
    """Everything libcoveocds found: empty for data with nothing to report."""
    keys = (
        "validation_errors",
        "deprecated_fields",
        "additional_closed_codelist_values",
        "additional_open_codelist_values",
        "additional_checks",
        "additional_fields",
        "conformance_errors",
        "json_deref_error",
    )
    return {k: report[k] for k in keys if report.get(k)}


def ocdskit_compiled(release_package: dict[str, Any], monkeypatch: pytest.MonkeyPatch, **metadata: Any) -> dict[str, Any]:
    """``ocdskit compile --package --linked-releases`` of a release package, offline, against the stored schema."""
    from ocdskit.combine import merge

    with offline(monkeypatch):
        [package] = merge(
            [release_package], return_package=True, use_linked_releases=True, schema=stored("release-schema.json"), **metadata
        )
    return json.loads(json.dumps(package))  # type: ignore[no-any-return]


def read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
