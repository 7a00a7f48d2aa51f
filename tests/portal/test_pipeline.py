"""The build as one pipeline: its result is plain data that another builder can take."""

from __future__ import annotations

import html
import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.portal.html_check import POLICY
from generator.portal.pipeline import PortalBuild
from generator.portal.plugin import EXTENSIONS, THEME
from tests.portal.conftest import AS_OF, portal_records


def test_pages_are_data_before_they_are_mkdocs(tmp_path: Path) -> None:
    """The generated pages, written to a folder, build with plain MkDocs and no jiebang
    plugin — as a builder that reads mkdocs.yml but runs no plugins (Zensical) would."""
    root = portal_records(tmp_path / "repo")
    built = PortalBuild(root, as_of=AS_OF, check=False).run()
    docs = tmp_path / "docs"
    written = built.write_sources(docs)
    assert docs / "lists" / "L-2024-001.md" in written and docs / "data" / "records.json" in written
    assert not (docs / "lists" / "L-2024-002.md").exists()  # a restricted list has no page
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: 揭榜挂帅\n"
        f"docs_dir: {docs}\nsite_dir: {tmp_path / 'site'}\n"
        f"theme: {{name: material, language: zh, font: false, custom_dir: {THEME}}}\n"
        f"markdown_extensions: [{', '.join(EXTENSIONS)}]\n"
        f"extra: {{jiebang: {json.dumps(built.extra(POLICY), ensure_ascii=False)}}}\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "site" / "lists" / "L-2024-001" / "index.html").read_text(encoding="utf-8")
    assert "高精度伺服电机绝对值编码器研制" in page and POLICY in html.unescape(page)
    assert (tmp_path / "site" / "data" / "records.json").read_bytes() == dict(built.files)["data/records.json"]


def test_the_pipeline_refuses_records_with_errors_before_any_page(tmp_path: Path) -> None:
    from generator.errors import RecordErrors
    from tests.conftest import make_records

    root = make_records(tmp_path / "repo", edit={"records/bids/B-2024-002.yaml": [["list: L-2024-001", "list: L-2024-099"]]})
    with pytest.raises(RecordErrors, match="R001") as refused:
        PortalBuild(root).run()
    assert "记录有错误，未生成任何公开内容" in str(refused.value)
