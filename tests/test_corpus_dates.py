"""Weekday-only articles get their event date from the story they belong to."""

import json
from pathlib import Path

import pytest

from index.store import Library

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOLD = SHARED / "gold" / "cleaning.json"

pytestmark = pytest.mark.skipif(not GOLD.exists(), reason="../shared/gold not available")


def test_indexed_dates_are_gold_dates_and_weekday_only_articles_get_one(tmp_path):
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["articles"]
    with Library.open([SHARED / "corpus" / "seeds"], index_dir=tmp_path) as lib:
        lib.update()
        dates = {Path(a.path).name: a.date for a in lib.articles()}
    for name, date in dates.items():
        if date is not None:
            assert date in gold[name]["acceptable_event_dates"], name
    inferred = [
        n for n, g in gold.items() if g["event_date_basis"] == "inferred_with_world_knowledge"
    ]
    # The text alone gives only a weekday; related coverage in the corpus supplies the rest.
    assert any(dates[n] for n in inferred), {n: dates[n] for n in inferred}
    assert sum(d is not None for d in dates.values()) >= 4
