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


def test_the_full_pass_reads_each_stored_article_once(tmp_path, monkeypatch):
    """Stories and dates share one read of the index, and entity lookups by id come
    from it: at 100k articles an extra read or a per-id segment lookup costs a minute.
    (Fetched by id on top: only the dated articles a weekday-only one is compared with.)"""
    from index import corpus_pass
    from index.store import StoredArticles

    monkeypatch.setattr(corpus_pass, "ENTITY_PASS_MAX", 0)  # as for a large corpus
    with Library.open([SHARED / "corpus" / "seeds"], index_dir=tmp_path) as lib:
        lib.update()
        read: list[int] = []
        fetched: list[str] = []
        lookups: list[dict] = []
        real_load, real_get = StoredArticles._load, StoredArticles.get
        monkeypatch.setattr(
            StoredArticles, "_load", lambda self, n: read.append(n) or real_load(self, n)
        )

        def get(self, article_id):
            fetched.append(article_id)
            before = len(read)
            article = real_get(self, article_id)
            del read[before:]  # a fetch by id, not part of the read through the corpus
            return article

        monkeypatch.setattr(StoredArticles, "get", get)
        searcher = lib.searcher()
        real_number = searcher.document_number
        monkeypatch.setattr(
            searcher, "document_number", lambda **kw: lookups.append(kw) or real_number(**kw)
        )
        live = sorted(searcher.reader().all_doc_ids())
        values = corpus_pass.finalize(StoredArticles(searcher), changed_ids=()).values
    assert sorted(read) == live  # every article exactly once
    assert not lookups  # the pass' questions by id were answered from that read
    assert len(fetched) < len(live)
    assert len(values) == len(live) and all(v.get("story") for v in values.values())
