"""History texts name fields and codes in Chinese, never by their English names."""

from __future__ import annotations

import re

from generator.history.diff import field_changes
from generator.history.labels import change_text, kind_at, status_text, value_text
from generator.models import ChallengeList


def test_an_amendment_names_the_corrected_fields_by_their_titles() -> None:
    amendment = {"date": "2024-06-01", "fields": ["title", "indicators"], "summary": "指标I2检测方法更正"}
    info = ChallengeList.model_fields["amendments"]
    assert value_text(amendment, info) == "更正日期 2024-06-01，更正的字段 榜单名称、考核指标，更正说明 指标I2检测方法更正"


def test_statuses_and_codes_by_their_names() -> None:
    assert status_text("list", "awarded") == "已揭榜" and status_text("list", "draft") == "草拟"
    assert status_text("bid", "withdrawn") == "已撤回"
    assert kind_at("records/lists/2024/L-2024-001.yaml") == "list" and kind_at("records/program.yaml") == "program"
    changes = field_changes(
        {"status": "draft", "eligibility": {"scope": "municipal", "unit_types": ["university"]}, "title": "甲"},
        {"status": "argued", "eligibility": {"scope": "national", "unit_types": ["university", "enterprise"]}, "title": "乙"},
    )
    texts = [change_text("list", c) for c in changes]
    assert texts == [
        "状态：草拟 → 已论证",
        "揭榜单位条件及发布范围 › 发布范围：市内 → 全国",
        "揭榜单位条件及发布范围 › 可揭榜单位类型：新增 企业",
        "榜单名称：甲 → 乙",
    ]
    assert not [t for t in texts if re.search(r"[A-Za-z]{2,}", t)]
