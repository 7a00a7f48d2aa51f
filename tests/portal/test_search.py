"""Chinese full-text search: the built index is segmented with jieba, so a word inside a
sentence is a token of its own (mkdocs-material's search splits on the index's separator)."""

from __future__ import annotations

import json
import re
from pathlib import Path


def index(site: Path) -> tuple[re.Pattern[str], list[dict[str, str]]]:
    data = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return re.compile(data["config"]["separator"]), data["docs"]


def find(site: Path, word: str) -> set[str]:
    """Pages with an index entry that has ``word`` as a token, as the in-browser search matches it."""
    separator, docs = index(site)
    found = set()
    for doc in docs:
        tokens = separator.split(re.sub(r"<[^>]+>", " ", f"{doc['title']} {doc['text']}"))
        if word in tokens:
            found.add(doc["location"].split("#")[0])
    return found


def test_a_word_inside_a_sentence_is_a_token(site: Path) -> None:
    separator, _ = index(site)
    assert "\\u200b" in separator.pattern  # the zero-width space jieba's output is split on
    assert "lists/L-2024-001/" in find(site, "编码器")  # 高精度伺服电机绝对值编码器研制
    assert "lists/L-2024-004/" in find(site, "灭菌")  # 医疗器械低温等离子灭菌设备研制; 现有环氧乙烷灭菌周期长
    assert "lists/L-2024-004/" not in find(site, "编码器")


def test_the_index_holds_no_markup_from_records(site: Path) -> None:
    _, docs = index(site)
    entry = next(d for d in docs if d["location"] == "lists/L-2024-005/")
    assert "<script" not in entry["title"] + entry["text"] and "&lt;script&gt;" in entry["title"]
