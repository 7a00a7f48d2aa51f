"""Harvesting: incremental (an unchanged source is not processed again, a URL that answers
304 is not downloaded), every kind of broken source isolated with its reason, the
configuration checked, and the cache kept out of the output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.errors import CannotRun
from generator.federate.cache import HarvestCache
from generator.federate.config import load_config
from generator.federate.harvest import harvest
from tests.federate.conftest import federation_yaml, planted, published, write_json


def states(config: Path, cache: Path) -> dict[str, tuple[str, str]]:
    with HarvestCache.opened(cache, "cn") as store:
        return {h.programme: (h.state, h.message) for h in harvest(load_config(config).sources, store)}


def test_an_unchanged_source_is_not_processed_again(tmp_path: Path, hainan: dict[str, Any], server: Any) -> None:
    base, served, log = server
    write_json(served / "inc" / "records.json", published(hainan))
    write_json(tmp_path / "hainan.json", published(hainan))
    config = federation_yaml(tmp_path, [("hainan-jbgs", "hainan.json")])
    assert states(config, tmp_path / "cache") == {"hainan-jbgs": ("new", "")}
    assert states(config, tmp_path / "cache") == {"hainan-jbgs": ("unchanged", "")}
    changed = {**published(hainan), "lists": hainan["lists"][1:]}
    write_json(tmp_path / "hainan.json", changed)
    assert states(config, tmp_path / "cache") == {"hainan-jbgs": ("new", "")}
    # by URL: the second fetch is conditional and the server answers 304 Not Modified
    config = federation_yaml(tmp_path, [("hainan-jbgs", f"{base}inc/records.json")])
    log.clear()
    assert states(config, tmp_path / "cache")["hainan-jbgs"][0] == "new"  # what the file held last is forgotten: it left the federation
    assert states(config, tmp_path / "cache")["hainan-jbgs"][0] == "unchanged"
    assert [code for path, code in log if path == "/inc/records.json"] == [200, 304]


def test_the_cache_lives_outside_the_output(tmp_path: Path, hainan: dict[str, Any]) -> None:
    write_json(tmp_path / "hainan.json", published(hainan))
    config = federation_yaml(tmp_path, [("hainan-jbgs", "hainan.json")])
    result = CliRunner().invoke(main, ["federate", str(config), "--out", str(tmp_path / "site"), "--cache", str(tmp_path / "site" / "c")])
    assert result.exit_code == 2 and "位于输出目录" in result.output
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{not json", "不是有效的 JSON"),
        (b'{"format": "other"}', "不是 jiebang 开放数据"),
        (b'{"format": "jiebang-open-data", "version": 2}', "版本为 2"),
        (None, "是方案 hainan-jbgs 的开放数据，而汇总配置中的方案代码是 wrong"),
        ("division", "program.division"),
    ],
)
def test_a_broken_programme_is_named_with_its_reason(tmp_path: Path, hainan: dict[str, Any], content: Any, reason: str) -> None:
    write_json(tmp_path / "good.json", published(hainan))
    path = tmp_path / "bad.json"
    if content is None or content == "division":
        doc = json.loads(json.dumps(published(hainan)))
        if content == "division":
            doc["program"]["division"] = "海南"
        write_json(path, doc)
    else:
        path.write_bytes(content)
    config = federation_yaml(tmp_path, [("hainan-jbgs", "good.json"), ("wrong" if content is None else "bad", "bad.json")])
    found = states(config, tmp_path / "cache")
    assert found["hainan-jbgs"][0] == "new"
    state, message = next(v for k, v in found.items() if k != "hainan-jbgs")
    assert state == "failed" and reason in message, message


def test_an_unreachable_url_is_reported(tmp_path: Path, hainan: dict[str, Any], server: Any) -> None:
    base, _, _ = server
    write_json(tmp_path / "good.json", published(hainan))
    config = federation_yaml(
        tmp_path, [("hainan-jbgs", "good.json"), ("gone", f"{base}no/records.json"), ("closed", "http://127.0.0.1:9/")]
    )
    found = states(config, tmp_path / "cache")
    assert found["gone"] == ("failed", f"无法获取 {base}no/records.json：服务器答复 HTTP 404。")
    assert found["closed"][0] == "failed" and "无法访问 http://127.0.0.1:9/" in found["closed"][1]


def test_a_records_repository_with_errors_publishes_nothing(tmp_path: Path, hainan: dict[str, Any]) -> None:
    from tests.conftest import make_records

    repo = make_records(tmp_path / "repo", edit={"records/bids/B-2024-002.yaml": [["list: L-2024-001", "list: L-2024-099"]]})
    write_json(tmp_path / "good.json", published(hainan))
    config = federation_yaml(tmp_path, [("hainan-jbgs", "good.json"), ("demo", str(repo))])
    state, message = states(config, tmp_path / "cache")["demo"]
    assert state == "failed" and "记录有错误" in message and "R001" in message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind: federation\nid: cn\ntitle: t\nprogrammes: []\n", "programmes"),
        (
            "kind: federation\nid: cn\ntitle: t\nprogrammes:\n  - {id: a1, source: x.json}\n  - {id: a1, source: y.json}\n",
            "a1 出现了不止一次",
        ),
        ("kind: federation\nid: cn\ntitle: t\nprogrammes:\n  - {id: A, source: x.json}\n", "programmes.0.id"),
        ("kind: federation\nid: cn\ntitle: t\nprogrammes:\n  - {id: ab, source: 'ftp://x/records.json'}\n", "不受支持"),
        ("kind: federation\nid: cn\ntitle: t\nprogramme: []\n", "programme"),
        ("kind: [unclosed\n", "无法读取"),
    ],
)
def test_a_bad_configuration_cannot_run(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "federation.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CannotRun, match=message):
        load_config(path)
    result = CliRunner().invoke(main, ["federate", str(path)])
    assert result.exit_code == 2 and "jiebang: 汇总配置" in result.output


def test_similar_advises_at_argumentation_time(tmp_path: Path, hainan: dict[str, Any]) -> None:
    from tests.conftest import REPO

    write_json(tmp_path / "hainan.json", published(hainan))
    config = federation_yaml(tmp_path, [("hainan-jbgs", "hainan.json")])
    args = ["similar", "L-2024-003", "--federation", str(config), "--root", str(REPO), "--cache", str(tmp_path / "cache")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "发现 1 项相似榜单" in result.output and planted(hainan) in result.output
    assert f"{hainan['program']['portal']['base_url']}lists/{hainan['planted']}/" in result.output
    quiet = CliRunner().invoke(
        main, ["similar", "L-2024-001", "--federation", str(config), "--root", str(REPO), "--cache", str(tmp_path / "cache")]
    )
    assert quiet.exit_code == 0 and "未发现相似的榜单" in quiet.output
    missing = CliRunner().invoke(main, ["similar", "L-2099-001", "--federation", str(config), "--root", str(REPO)])
    assert missing.exit_code == 2 and "找不到榜单 L-2099-001" in missing.output
