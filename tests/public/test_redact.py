"""Cleaning text from the past; the public view of an earlier revision."""

from __future__ import annotations

from dataclasses import dataclass

from generator.history.public import scrub
from generator.models.corpus import Corpus
from generator.public.leaks import Secrets
from generator.public.redact import Redactor
from generator.public.view import PublicView
from tests.portal.conftest import AS_OF


@dataclass(frozen=True)
class Override:
    rule: str
    reason: str
    ids: tuple[str, ...] = ()


def test_redactor_cleans_in_order(view: PublicView) -> None:
    redactor = Redactor.of(Secrets.of(view), {"李小明"}, scrub)
    assert redactor.text("联系人李小明，手机 139-1234-5678，另见 L-2024-002") == "联系人〔已隐去〕，手机 〔已隐去〕，另见 〔非公开记录〕"
    assert redactor.text("某型装备（机密★5年）") == "〔已隐去〕"  # classified text is withheld whole
    value = {"lead": {"name": "李小明", "credit_code": "12500000450400321J"}, "notes": ["L-2024-002"]}
    assert redactor.value(value) == {"lead": {"name": "〔已隐去〕", "credit_code": "12500000450400321J"}, "notes": ["〔非公开记录〕"]}
    override = Override("C001", "撤下 L-2024-002", ("L-2024-002",))
    assert redactor.fields_of(override) == Override("C001", "撤下 〔非公开记录〕", ("〔非公开记录〕",))
    assert Redactor().text("L-2024-002") == "L-2024-002"


def test_withheld_records_take_their_dependents_along(corpus: Corpus) -> None:
    view = PublicView(corpus, AS_OF, withheld=frozenset({"L-2024-001"}))
    assert not {"L-2024-001", "B-2024-001", "R-2024-002", "P-2024-001", "M-2024-001-1", "A-2024-001-1"} & view.ids
    assert "C-2024-01" in view.ids and view.lists_of(corpus.calls[0]) == []
