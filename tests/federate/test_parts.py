"""The federation's small parts: division names, charts, CSV cells, similarity scores, the
cache's fingerprint and its temporary form."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from generator.federate import charts, divisions, similarity
from generator.federate.cache import HarvestCache, default_dir, fingerprint
from generator.federate.tables import cell


@pytest.mark.parametrize(
    ("code", "name", "level"),
    [
        ("500106", "重庆市沙坪坝区", "county"),
        ("460000", "海南省", "provincial"),
        ("460100", "海南省海口市", "municipal"),
        ("469002", "海南省琼海市", "county"),  # a county-level city directly under the province
        ("320505", "江苏省苏州市虎丘区", "county"),
    ],
)
def test_divisions_are_named_from_their_code(code: str, name: str, level: str) -> None:
    found = divisions.division(code)
    assert found is not None and found.name == name and divisions.level_of(code) == level


def test_a_credit_code_gives_its_registering_division() -> None:
    assert divisions.credit_division("91500106MA1XJYN52H") == "500106"
    assert divisions.province_name("500106") == "重庆市"
    assert divisions.credit_division(None) is None and divisions.credit_division("91500106") is None
    assert divisions.division("371202") is not None and divisions.division("371202").province == "山东省"  # type: ignore[union-attr]  # abolished since: its province still known
    assert divisions.division("5001") is None


def test_charts_are_static_deterministic_svg_with_chinese_text() -> None:
    rows = [("重庆市", 0.5), ("海南省", None), ("<script>", 0.25)]
    svg = charts.bars("揭榜率（按省份）", rows, charts.percent, whole=1.0)
    assert svg == charts.bars("揭榜率（按省份）", rows, charts.percent, whole=1.0)
    text = svg.decode("utf-8")
    assert "<script" not in text and "&lt;script&gt;" in text and "重庆市" in text and "50%" in text and "—" in text
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')


def test_csv_cells_never_start_a_formula() -> None:
    assert [cell(v) for v in ("=1+1", "+86", "-x", "@SUM(A1)", "智能科技", None, 3, True)] == [
        "'=1+1", "'+86", "'-x", "'@SUM(A1)", "智能科技", "", "3", "true",
    ]  # fmt: skip


def test_similarity_scores_shared_words() -> None:
    a = similarity.words("伺服电机绝对值编码器研制", "编码器分辨率不足，依赖进口。", [{"name": "单圈分辨率", "target": "≥23 位"}])
    b = similarity.words("伺服电机绝对值编码器国产化研发", "编码器分辨率不足，长期依赖进口。", [{"name": "单圈分辨率", "target": "≥23 位"}])
    c = similarity.words("钠离子电池正极材料", "比容量不足。", [{"name": "比容量", "target": "≥150 mAh/g"}])
    assert "的" not in a and "编码器" in a and "23" in a
    sigs = similarity.signatures([a, b, c])
    near, far = similarity.scores(sigs[0], sigs[1:])
    exact = len(a & b) / len(a | b)
    assert abs(near - exact) < 0.15 and near > 0.5 and far < 0.1
    assert similarity.from_bytes([similarity.to_bytes(s) for s in sigs]).tolist() == sigs.tolist()
    groups = similarity.groups(sigs, ["p1", "p2", "p1"], 0.5)
    assert [(g.leader, [m for m, _ in g.members]) for g in groups] == [(0, [1])]
    assert similarity.groups(sigs, ["p1", "p1", "p1"], 0.5) == []  # within one programme: not reported


def test_the_cache_is_data_only_and_starts_afresh_for_other_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with HarvestCache.opened(tmp_path, "cn") as store:
        store.store("k", {"lists": b"PAR1", "summary": b"{}"})
        assert store.has("k")
    db = sqlite3.connect(tmp_path / "federate-cn.sqlite")
    db.execute("UPDATE meta SET value = 'other' WHERE key = 'fingerprint'")
    db.commit()
    db.close()
    with HarvestCache.opened(tmp_path, "cn") as store:
        assert not store.has("k")
    (tmp_path / "federate-cn.sqlite").write_bytes(b"not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"federate-cn.sqlite{suffix}").unlink(missing_ok=True)
    with HarvestCache.opened(tmp_path, "cn") as store:  # damaged: replaced
        assert not store.has("k") and len(fingerprint()) == 16
    monkeypatch.setenv("JIEBANG_CACHE", "off")
    assert default_dir(None) is None
    with HarvestCache.opened(None, "cn") as store:
        where = store.file.parent
        assert where.is_dir() and where != tmp_path
    assert not where.exists()
    monkeypatch.delenv("JIEBANG_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_dir(None) == tmp_path / "xdg" / "jiebang"
