"""Ranking and facet counting over match masks (index/ranking.py, docsets.py, facets.py).

The engine ranks with its own block-at-a-time BM25F instead of Whoosh's collector;
for plain word queries the order must be the one Whoosh's BM25F gives, deleted
(superseded) versions must never come back, and the facet counts must be exact.
"""

from __future__ import annotations

import json
import os
import random

import pytest
from test_store_helpers import isolated_cache  # noqa: F401  (autouse)

from index import facets
from index.search import expand_unstemmed, parse
from index.store import Library

WORDS = (
    "harbour ferry council vote tunnel budget storm museum school strike border "
    "election drought river bridge glacier minister court protest festival"
).split()
OUTLETS = ["Town Herald", "Valley Post", "Coast Wire", "Plains Daily"]


def _write(folder, i, rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(20, 120))]
    rec = {
        "id": f"r{i}",
        "title": " ".join(rng.choice(WORDS) for _ in range(4)).capitalize(),
        "outlet": OUTLETS[i % len(OUTLETS)],
        "date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "text": " ".join(words).capitalize() + ".",
    }
    (folder / f"a{i:03d}.json").write_text(json.dumps(rec), encoding="utf-8")


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    root = tmp_path_factory.mktemp("ranking")
    corpus = root / "corpus"
    corpus.mkdir()
    rng = random.Random(5)
    for i in range(60):
        _write(corpus, i, rng)
    lib = Library.open([corpus], root / "ix")
    lib.update()
    # a second commit that rewrites ten files: their old documents stay in the
    # segment as deletions, which ranking and counting must skip
    for i in range(10):
        _write(corpus, i, rng)
        os.utime(corpus / f"a{i:03d}.json", ns=(1, 10**18 + i))
    assert lib.update().updated == 10
    yield lib
    lib.close()


@pytest.mark.parametrize(
    "query", ["ferry", "ferry glacier", "storm OR drought", "council NOT budget", "title:museum"]
)
def test_word_queries_rank_like_whooshs_bm25f(lib, query):
    ours = lib.search(query, limit=15, facets=False, snippets=False)
    searcher = lib.searcher()
    typed, _, _ = parse(searcher, query)
    live = set(searcher.reader().all_doc_ids())
    theirs = [h for h in searcher.search(expand_unstemmed(searcher, typed), limit=None)]
    theirs = [h for h in theirs if h.docnum in live][:15]
    assert ours.total == len([h for h in searcher.search(typed, limit=None)])
    assert [h.id for h in ours.hits] == [h["id"] for h in theirs]
    for mine, whoosh in zip(ours.hits, theirs, strict=True):
        # NOT adds a constant 1.0 to every Whoosh score; the order is what matters
        assert mine.score == pytest.approx(whoosh.score - (1.0 if "NOT" in query else 0.0))


def test_rewritten_articles_are_found_once_in_their_new_version(lib):
    r = lib.search("ferry OR glacier OR storm OR drought", limit=200, facets=False)
    found = [h.id for h in r.hits]
    assert len(found) == len(set(found)) == r.total
    for hit in r.hits[:10]:
        assert lib.get(hit.id).title == hit.title


def test_facet_counts_are_exact_and_also_come_alone(lib):
    r = lib.search("harbour", limit=200)
    by_outlet: dict[str, int] = {}
    for hit in r.hits:
        by_outlet[hit.outlet] = by_outlet.get(hit.outlet, 0) + 1
    assert dict(r.facets["outlet"]) == by_outlet
    months = {}
    for hit in r.hits:
        months[hit.date[:7]] = months.get(hit.date[:7], 0) + 1
    assert dict(r.facets["date"]) == months
    assert lib.facets("harbour") == r.facets  # what the app asks for after the hits
    assert lib.facets("harbour", filters={"outlet": "Coast Wire"})["outlet"] == [
        ("Coast Wire", by_outlet["Coast Wire"])
    ]


def test_top_values_break_ties_alphabetically_without_listing_them_all():
    import numpy as np

    values = ["", *(f"story-{i:05d}" for i in range(5000))]
    codes = facets._Codes(values[1:] + ["story-00042"])  # one value counted twice
    mask = np.ones(len(codes.codes), dtype=bool)
    top = codes.count(mask, 3)
    assert top == [("story-00042", 2), ("story-00000", 1), ("story-00001", 1)]


def test_undated_and_deleted_documents_stay_out_of_date_order(lib):
    r = lib.search("", limit=500, sort="date", facets=False, snippets=False)
    assert r.total == len(r.hits) == 60
    dates = [h.date for h in r.hits]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    "query", ['"ferry council"', '"storm storm"', '"vote tunnel"', 'title:"museum school"']
)
def test_phrases_match_exactly_what_whooshs_phrase_matcher_matches(lib, query):
    from index.docsets import matching_docs

    searcher = lib.searcher()
    typed, _, _ = parse(searcher, query)
    q = expand_unstemmed(searcher, typed)
    ours = set(matching_docs(searcher, q).nonzero()[0].tolist())
    live = set(searcher.reader().all_doc_ids())
    theirs = set(searcher.docs_for_query(q)) & live
    assert ours == theirs and theirs  # each of these phrases occurs in the corpus
    assert lib.search(query, facets=False).total == len(theirs)


def test_snippet_words_are_found_exactly_as_the_indexer_stems_them():
    from index.analysis import find_stems, stems_at

    rng = random.Random(3)
    text = (
        "The day's ponies, relational hopping cries; U.S. officials said: "
        "presidents' presidency — Presidential days. e.g. Köln's café-owners re-opened."
    )
    every = [s for s, *_ in stems_at(text)]
    for _ in range(200):
        wanted = set(rng.sample(every, rng.randint(1, 4)))
        assert find_stems(text, wanted) == [
            (s, a, b) for s, _, a, b in stems_at(text) if s in wanted
        ]


def test_block_header_patch_reads_the_same_postings_as_whoosh(tmp_path, monkeypatch):
    from whoosh import index as whoosh_index
    from whoosh.codec import whoosh3

    from index import whoosh_patches
    from index.schema import build_schema

    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    rng = random.Random(9)
    with ix.writer() as writer:  # 700 documents: posting lists span several blocks
        for i in range(700):
            text = " ".join(rng.choice(WORDS[:6]) for _ in range(rng.randint(3, 30)))
            writer.add_document(id=str(i), body=text)

    def read_all():
        out = {}
        with ix.searcher() as searcher:
            reader = searcher.reader()
            for word in reader.lexicon("body"):
                m = reader.postings("body", word)
                items = []
                while m.is_active():
                    items.append((m.id(), m.weight(), m.value()))
                    m.next()
                out[word] = items
        return out

    patched = read_all()
    assert max(len(v) for v in patched.values()) > 3 * 128  # several blocks per list
    monkeypatch.setattr(whoosh3.W3LeafMatcher, "_goto", whoosh_patches._original_goto)
    assert read_all() == patched


def test_warming_up_in_a_thread_while_searching_changes_no_answer(lib):
    import threading

    queries = ["ferry", "storm OR drought", "council NOT budget", '"ferry council"', "glac*"]
    before = [(r.total, [h.id for h in r.hits], r.facets) for r in map(lib.search, queries)]
    errors: list[BaseException] = []

    def warm() -> None:
        try:
            for _ in range(5):
                lib.warm()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    thread = threading.Thread(target=warm)
    thread.start()
    during = []
    while thread.is_alive() or len(during) < 20:
        during.extend((r.total, [h.id for h in r.hits], r.facets) for r in map(lib.search, queries))
    thread.join(timeout=60)
    assert errors == []
    for i, answer in enumerate(during):
        assert answer == before[i % len(queries)]


def test_prefixes_read_per_segment_match_and_rank_as_whooshs_expansion(tmp_path, monkeypatch):
    """``har*`` is read by one ordered scan of each segment's terms; the words it
    expands to live in different segments (some in one only, one rewritten), and the
    matches, total and scores must be those of Whoosh's own expansion."""
    from index import build, docsets

    monkeypatch.setattr(build, "MERGE_AT", 1000)  # keep each commit's segment apart
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lib = Library.open([corpus], tmp_path / "ix")
    batches = [["harbour ferry", "harvest storm"], ["harpoon harbour", "hardship"], ["harm"]]
    for b, words in enumerate(batches):  # one commit, so one segment, per batch
        for i, w in enumerate(words):
            text = f"{w} council {'vote ' * (i + b)}".strip()
            rec = {"title": f"Piece {b}{i}", "text": text, "outlet": "Town Herald"}
            (corpus / f"b{b}{i}.json").write_text(json.dumps(rec), encoding="utf-8")
        lib.update()
    (corpus / "b00.json").write_text(  # a rewrite: the old version stays as a deletion
        json.dumps({"title": "Piece 00", "text": "harbour harbour again", "outlet": "X"}),
        encoding="utf-8",
    )
    os.utime(corpus / "b00.json", ns=(1, 10**18))
    lib.update()
    queries = ["har*", "harb* OR hards*", "har* NOT harm", "title:pie*", "zz*"]

    def run():
        out = []
        for q in queries:
            r = lib.search(q, limit=20, facets=False, snippets=False)
            out.append((r.total, [(h.id, round(h.score, 9)) for h in r.hits]))
        return out

    docsets.forget()
    ours = run()
    assert ours[0][0] == 5 and ours[2][0] == 4 and ours[4][0] == 0
    assert len(docsets.leaves(lib.searcher().reader())) > 1
    with docsets._LOCK:  # postings evicted, the expansions remembered: read again
        docsets._CACHE.clear()
        docsets._cached = 0
    assert run() == ours
    # many distinct prefixes: their expansions stay within their own budget
    monkeypatch.setattr(docsets, "_EXPANSION_TERMS", 20)
    for a in "abcdefghij":
        lib.search(f"{a}*", limit=1, facets=False)
    assert docsets._expanded <= 20 and len(docsets._EXPANSIONS) < 40
    assert run() == ours
    docsets.forget()
    monkeypatch.setattr(docsets, "_scan", lambda leaf, field, prefix: None)  # Whoosh expands
    assert run() == ours
    lib.close()
