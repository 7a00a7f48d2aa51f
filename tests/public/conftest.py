"""The public-view tests read the portal fixture's records (a restricted list and its chain, a
draft list, an unselected bid) without building the portal."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.models.corpus import Corpus
from generator.public.view import PublicView
from generator.records.tree import load_tree
from tests.portal.conftest import AS_OF, portal_records


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root: Path = portal_records(tmp_path_factory.mktemp("public") / "repo")
    return load_tree(root).corpus


@pytest.fixture(scope="session")
def view(corpus: Corpus) -> PublicView:
    return PublicView(corpus, AS_OF)
