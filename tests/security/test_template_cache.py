"""Caches never run code (SPEC §7 Fail closed): compiled page templates live in memory only,
so a records repository that commits a ``.jiebang-cache/templates/`` folder of poisoned
Jinja bytecode, named as Jinja's FileSystemBytecodeCache names its files, cannot make
``jiebang build`` run it."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.portal.pages import environment
from tests.conftest import make_records


def poison(folder: Path, marker: Path) -> int:
    """Bytecode for every page template, keyed and checksummed as FileSystemBytecodeCache
    would (with and without the template's file name), that writes ``marker`` when loaded."""
    env = environment()
    assert env.loader is not None
    cache = jinja2.FileSystemBytecodeCache(str(folder))
    code = compile(f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n", "<poison>", "exec")
    folder.mkdir(parents=True)
    written = 0
    for name in env.list_templates(extensions=["j2"]):
        source, filename, _ = env.loader.get_source(env, name)
        for key in {cache.get_cache_key(name, filename), cache.get_cache_key(name)}:
            bucket = jinja2.bccache.Bucket(env, key, cache.get_source_checksum(source))
            bucket.code = code
            cache.dump_bytecode(bucket)
            written += 1
    return written


def test_poisoned_template_bytecode_in_the_repository_never_runs(tmp_path: Path) -> None:
    root = make_records(tmp_path / "repo")
    folder, marker = root / ".jiebang-cache" / "templates", tmp_path / "ran"
    assert poison(folder, marker) >= 2 * 14
    reader = environment()
    reader.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
    with pytest.raises(KeyError):  # the poison runs, then Jinja finds no template in what it ran
        reader.get_template("list.md.j2")
    assert marker.read_text() == "ran"  # so the planted files do run wherever a bytecode cache reads them
    marker.unlink()
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert not marker.exists()
    assert "高精度伺服电机绝对值编码器研制" in (tmp_path / "out" / "lists" / "L-2024-001" / "index.html").read_text(encoding="utf-8")
