"""Bulk-written text fields: a worker's segment must answer exactly like one Whoosh
wrote posting by posting (same terms, documents, weights, positions, statistics)."""

from __future__ import annotations

import random

import pytest
from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser

from index import blocks, bulk
from index.bulk import BulkWriter
from index.model import Article
from index.schema import build_schema, document

WORDS = (
    "harbour ferry lighthouse storm council votes voting voted bridge cape Zürich naïve "
    "U.S. 1,000 don't it’s a*b x_y 2030 café CAFÉ Straße İstanbul relit friday"
).split()


def _articles(n: int, seed: int = 7) -> list[Article]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        words = WORDS[: rng.randint(1, len(WORDS))]
        body = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 80)))]
        if i % 5 == 0:
            body.append("Harbour ferry votes, harbour ferry votes again.")
        out.append(
            Article(
                id=f"a{i}",
                path=f"/c/{i}.txt",
                title=" ".join(rng.choice(words) for _ in range(rng.randint(0, 8))),
                paragraphs=tuple(p for p in body if p),
                outlet=rng.choice(["North Post", None]),
                date=rng.choice(["2030-03-04", None]),
                content_hash=f"h{i}",
            )
        )
    # positions and frequencies too wide for two bytes; a document with no text
    filler = " ".join(["filler"] * 70_000)
    out.append(Article("wide", "/c/w.txt", "Ferry", (f"ferry {filler} ferry",), content_hash="w"))
    out.append(Article("empty", "/c/e.txt", "", (), content_hash="e"))
    return out


def _write(folder, articles, bulk: bool):
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = BulkWriter(ix) if bulk else blocks.writer(ix)  # Whoosh's own pool and analysis
    for a in articles:
        writer.add_document(**document(a, ["North Korea", "Kim"] if a.outlet else [], "s-1"))
    writer.commit()
    return ix


def _everything(ix) -> dict:
    out: dict = {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for field, text in reader.all_terms():
            info = reader.term_info(field, text)
            stats = (
                info.weight(),
                info.doc_frequency(),
                info.min_length(),
                info.max_length(),
                info.max_weight(),
                info.min_id(),
                info.max_id(),
            )
            m = reader.postings(field, text)
            items = []
            while m.is_active():
                positions = m.value_as("positions") if m.supports("positions") else None
                items.append((m.id(), m.weight(), m.value(), positions))
                m.next()
            out[field, text] = (stats, items)
        for docnum in range(reader.doc_count_all()):
            for field in ("title", "body", "entity"):
                out[docnum, field] = reader.doc_field_length(docnum, field)
            out[docnum, "stored"] = reader.stored_fields(docnum)
    return out


@pytest.mark.parametrize(("n", "part"), [(1, None), (200, None), (400, None), (400, 300)])
def test_a_bulk_segment_holds_what_whoosh_writes(tmp_path, monkeypatch, n, part):
    if part:  # words sorted a few hundred at a time: many parts, terms cut nowhere
        monkeypatch.setattr(bulk, "PART_WORDS", part)
    articles = _articles(n)
    want = _everything(_write(tmp_path / "whoosh", articles, bulk=False))
    got = _everything(_write(tmp_path / "bulk", articles, bulk=True))
    assert got.keys() == want.keys()
    for key in want:
        assert got[key] == want[key], key
    # terms long enough for several blocks, positions wider than two bytes
    postings = [items for key, (_, items) in _terms(want).items() if key[0] == "body"]
    assert max(len(items) for items in postings) > 128 or n < 200
    assert any(p and max(p) > 0xFFFF for items in postings for *_, p in items)


def _terms(everything: dict) -> dict:
    return {k: v for k, v in everything.items() if isinstance(k[1], bytes)}


def test_phrases_and_searches_answer_the_same(tmp_path):
    articles = _articles(300, seed=3)
    ixs = [_write(tmp_path / str(b), articles, bulk=b) for b in (False, True)]
    queries = ['"harbour ferry votes"', '"ferry harbour"', "vote*", "café AND ferry", "title:ferry"]
    for text in queries:
        answers = []
        for ix in ixs:
            with ix.searcher() as searcher:
                q = QueryParser("body", ix.schema).parse(text)
                hits = searcher.search(q, limit=None)
                answers.append([(h["id"], round(h.score, 6)) for h in hits])
        assert answers[0] == answers[1], text
        assert answers[0], text


def test_a_bulk_segment_merges_into_whoosh_segments(tmp_path):
    """Small updates merge worker segments with Whoosh's own writer: the packed
    positions must come back as Whoosh's encoding."""
    articles = _articles(60, seed=5)
    merged = []
    for in_bulk in (False, True):
        ix = _write(tmp_path / str(in_bulk), articles[:30], bulk=in_bulk)
        writer = blocks.writer(ix)
        for a in articles[30:]:
            writer.add_document(**document(a, [], "s-1"))
        writer.commit(optimize=True)
        assert len(ix._segments()) == 1
        merged.append(_everything(ix))
    assert merged[1] == merged[0]
