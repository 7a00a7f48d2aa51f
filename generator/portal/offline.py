"""A portal to open from disk (``jiebang build --offline``), such as a pull request's preview.

Opened as ``file://…/index.html``, a site needs links that name files (``lists/L-2024-001.html``,
not ``lists/L-2024-001/``: MkDocs' ``use_directory_urls: false``) and a search that needs no
server: browsers neither fetch a JSON file nor start a Web Worker from a file. So the search
index is also written as a script (``search/search_index.js``, which mkdocs-material loads
under ``file:``) and the search worker runs in a hidden frame (``file-worker.js``). This is
what mkdocs-material's ``offline`` plugin does, except that it loads its frame shim from a
CDN, and the portal makes no request to any other site.
"""

from __future__ import annotations

from pathlib import Path

OFFLINE_SHIM = "assets/jiebang/file-worker.js"


def offline_search(site: Path) -> Path | None:
    """Write ``search/search_index.js`` beside the JSON index; None when there is no index."""
    index = site / "search" / "search_index.json"
    if not index.is_file():
        return None
    script = index.with_suffix(".js")
    script.write_text("var __index = " + index.read_text(encoding="utf-8"), encoding="utf-8")
    return script
