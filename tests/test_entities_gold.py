"""Entities on the real seed articles, scored against shared/gold/entities.json, and a
sanity pass over unseen text (shared/corpus/basil).  Skipped when ../shared is absent."""

from __future__ import annotations

import glob
import json
import os
from pathlib import Path

import pytest

from index.entities import EntityIndex, find_mentions, set_backend
from index.entities.evaluate import format_report, load_gold, predictions, score
from index.model import Article
from index.pipeline import load_file

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOLD = SHARED / "gold" / "entities.json"
SEEDS = sorted(glob.glob(str(SHARED / "corpus" / "seeds" / "*.txt")))
BASIL = sorted(glob.glob(str(SHARED / "corpus" / "basil" / "*.json")))

pytestmark = pytest.mark.skipif(
    not GOLD.exists() or not SEEDS, reason="shared gold data not available"
)


@pytest.fixture(scope="module", autouse=True)
def _rules(tmp_path_factory):
    old = os.environ.get("READER_CACHE_DIR")
    os.environ["READER_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    set_backend("rules")
    yield
    set_backend(None)
    if old is None:
        os.environ.pop("READER_CACHE_DIR", None)
    else:
        os.environ["READER_CACHE_DIR"] = old


@pytest.fixture(scope="module")
def seeds() -> list[Article]:
    out = []
    for path in SEEDS:
        result = load_file(path)
        assert not hasattr(result, "reason"), f"{path}: {result}"
        out.extend(result)
    return out


def test_per_article_entities_match_the_gold(seeds):
    report = score(predictions(seeds, find_mentions), load_gold(GOLD))
    print(format_report(report, "find_mentions (per article) vs gold"))
    assert report.overall.f1 >= 0.90
    assert report.overall.precision >= 0.90 and report.overall.recall >= 0.90
    for type_, counts in report.by_type.items():
        if counts.required >= 3:
            assert counts.f1 >= 0.80, f"{type_}: {counts}"


def test_corpus_ids_keep_gold_entities_whole_and_apart(seeds):
    index = EntityIndex.build(seeds)
    gold = load_gold(GOLD)
    report = score(predictions(seeds, index.mentions), gold)
    print(format_report(report, "EntityIndex (corpus) vs gold"))
    assert report.overall.f1 >= 0.90
    assert report.shared_ids == {}, "one id stands for two gold entities"
    found = [g for g in gold if not g.optional and g.id in report.ids_per_gold]
    assert len(found) >= 50
    # The one known split needs world knowledge ("Washington Summit" = "Korea-US Summit").
    assert len(report.multi_id_gold) <= 1, report.multi_id_gold


def test_surface_forms_are_exact_text_of_the_clean_article(seeds):
    for a in seeds:
        for m in find_mentions(a):
            text = a.title if m.paragraph == -1 else a.paragraphs[m.paragraph]
            assert text[m.start : m.end] == m.text


@pytest.mark.skipif(not BASIL, reason="basil corpus not available")
def test_unseen_news_has_few_obviously_wrong_people():
    """Sentence-initial or headline words ("However", "Says") must not become people."""
    from index.entities.gazetteer import load_gazetteer

    common = load_gazetteer().common
    people = bad = 0
    for path in BASIL[::3]:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
        a = Article(
            id=d["id"],
            path=path,
            title=d["title"],
            paragraphs=tuple(p for p in d["text"].split("\n") if p.strip()),
        )
        for m in find_mentions(a):
            if m.type != "PERSON":
                continue
            people += 1
            words = m.text.split()
            if all(common.get(w.lower().strip(".’'"), 0.0) >= 5.0 for w in words):
                bad += 1
    assert people > 200
    assert bad / people < 0.02


def test_one_word_runs_are_decided_as_the_general_rules_decide_them(monkeypatch):
    """The recogniser decides most runs (one capitalised word) on a fast path; on real
    articles it must find exactly what the general rules (``_piece``) find."""
    from index.entities import recognise
    from index.entities.backend import recogniser
    from index.entities.resolve import scan_article

    articles = [a for path in SEEDS + BASIL[:150] for a in load_file(path)]
    rec = recogniser()

    def found() -> list[list[tuple]]:
        return [
            [(c.seg, c.start, c.end, c.type, c.evidence, c.sent_start) for c in scan.cands]
            for scan in (scan_article(a, rec) for a in articles)
        ]

    fast = found()
    monkeypatch.setattr(
        recognise.Recogniser,
        "_one",
        lambda self, text, seg, a, upper, out: self._piece(text, seg, [a], upper, out, None),
    )
    assert found() == fast
    assert sum(map(len, fast)) > 5000  # (real text, many runs)
