"""Open data in the Open Contracting Data Standard (OCDS 1.1).

Each public list is one contracting process, ``ocid`` = ``<prefix>-<programme id>-<list id>``;
the prefix is ``open_data.ocid_prefix`` of ``program.yaml`` (registered with the OCDS Helpdesk),
else the placeholder ``ocds-jiebang``. ``ocds.json`` is the release package: one release for
each change of what the public could read about a process, from the records repository's main
line (:mod:`generator.ocds.releases`); ``ocds-records.json`` the record package: per process, its
releases and the compiled release (:mod:`generator.ocds.package`). What a release holds and
which codes it uses: :mod:`generator.ocds.process`, :mod:`generator.ocds.codes`.

This package sits above ``history``: a release's content is the process as a portal of that day
showed it, cleaned as the portal's history is, so nothing restricted or never public leaks
through the past.
"""

from generator.ocds.package import RECORDS_FILE, RELEASES_FILE, record_package, release_package
from generator.ocds.releases import Releases, present_only, releases_of

FILES = (RELEASES_FILE, RECORDS_FILE)

__all__ = ["FILES", "RECORDS_FILE", "RELEASES_FILE", "Releases", "present_only", "record_package", "release_package", "releases_of"]
