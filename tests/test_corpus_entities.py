"""Across a corpus, one person is one entity, however each outlet spells the name."""

import json
from pathlib import Path

import pytest

from index.entities import entity_key
from index.store import Library

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
GOLD = SHARED / "gold" / "entities.json"

pytestmark = pytest.mark.skipif(not GOLD.exists(), reason="../shared/gold not available")


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    lib = Library.open([SEEDS], index_dir=tmp_path_factory.mktemp("ix"))
    lib.update()
    yield lib
    lib.close()


def _people_in_several_articles():
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    for entity in gold["entities"]:
        if entity["type"] == "PERSON" and len(entity["mentions"]) >= 2:
            forms = {f for forms in entity["mentions"].values() for f in forms}
            yield pytest.param(entity["id"], set(entity["mentions"]), forms, id=entity["id"])


@pytest.mark.parametrize("gold_id,files,forms", list(_people_in_several_articles()))
def test_one_entity_query_finds_every_spelling(library, gold_id, files, forms):
    keys = {entity_key(f) for f in forms}
    names = [n for n, _ in library.search("", limit=1).facets.get("entity", [])]
    names += [
        n
        for n, _ in library.search(" OR ".join(f'"{f}"' for f in forms), limit=50).facets["entity"]
    ]
    candidates = [n for n in dict.fromkeys(names) if entity_key(n) in keys]
    assert candidates, f"no indexed entity name for {gold_id}"
    found = set()
    for name in candidates:
        hits = library.search(f'entity:"{name}"', limit=50).hits
        found = max(found, {Path(h.path).name for h in hits}, key=len)
    assert files <= found, f"{gold_id}: entity query found {sorted(found)}, gold {sorted(files)}"
