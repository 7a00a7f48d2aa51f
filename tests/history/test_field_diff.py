"""Field-level differences: null is not absence, list items matched by id."""

from __future__ import annotations

from generator.history.diff import ABSENT, field_changes


def texts(old: object, new: object) -> list[str]:
    return [c.text() for c in field_changes(old, new)]


def test_null_is_a_change_and_absence_is_a_removal() -> None:
    assert texts({"call": "C-2024-01"}, {"call": None}) == ["call: C-2024-01 → null"]
    assert texts({"call": None}, {}) == ["call: - null"]
    assert texts({}, {"call": None}) == ["call: + null"]
    [change] = field_changes({}, {"call": None})
    assert change.old is ABSENT and change.new is None
    assert change.as_json() == {"path": "call", "op": "added", "new": None}


def test_nested_fields_and_types() -> None:
    assert texts({"funding": {"subsidy_cny": 100000, "end_user_cny": 1}}, {"funding": {"subsidy_cny": 80000, "end_user_cny": 1}}) == [
        "funding.subsidy_cny: 100000 → 80000"
    ]
    assert texts({"joint_bids": 1}, {"joint_bids": True}) == ["joint_bids: 1 → true"]
    assert texts({"a": {"b": 1}}, {"a": "x"}) == ['a: {"b": 1} → x']
    assert texts({"a": 1}, {"a": 1}) == []


def test_lists_of_mappings_with_id_match_by_id() -> None:
    old = {"indicators": [{"id": "I1", "target": "a"}, {"id": "I2", "target": "b"}]}
    new = {"indicators": [{"id": "I2", "target": "c"}, {"id": "I3", "target": "d"}]}
    assert texts(old, new) == [
        'indicators[I1]: - {"id": "I1", "target": "a"}',
        "indicators[I2].target: b → c",
        'indicators[I3]: + {"id": "I3", "target": "d"}',
    ]


def test_lists_without_ids_by_position_and_plain_lists_by_value() -> None:
    old = {"nodes": [{"month": 6}, {"month": 12}]}
    assert texts(old, {"nodes": [{"month": 6}, {"month": 18}, {"month": 24}]}) == ["nodes[1].month: 12 → 18", 'nodes[2]: + {"month": 24}']
    assert texts({"needs": ["N-1", "N-2"]}, {"needs": ["N-2", "N-3"]}) == ["needs: - N-1", "needs: + N-3"]
    assert texts({"needs": ["N-1", "N-2"]}, {"needs": ["N-2", "N-1"]}) == ['needs: ["N-1", "N-2"] → ["N-2", "N-1"]']
    assert texts({"needs": []}, {"needs": ["N-1"]}) == ["needs: + N-1"]
