"""Bulk-written segments: a worker's segment must answer exactly like one Whoosh
wrote posting by posting (same terms, documents, weights, positions, statistics,
field lengths, stored fields and columns), for the text fields and the others."""

from __future__ import annotations

import pickle
import random
import zlib
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.columns import VarBytesColumn
from whoosh.fields import DATETIME, ID, KEYWORD
from whoosh.qparser import QueryParser
from whoosh.system import pack_uint

from index import blocks, bulk, bulk_keys
from index.bulk import BulkWriter
from index.bulk_keys import analyser
from index.model import Article
from index.schema import build_schema, document

WORDS = (
    "harbour ferry lighthouse storm council votes voting voted bridge cape Zürich naïve "
    "U.S. 1,000 don't it’s a*b x_y 2030 café CAFÉ Straße İstanbul relit friday"
).split()


OUTLETS = ["North Post", "NORTH POST", "north post", "Süd Zeitung", "İzmir Daily", None]
DATES = [None, "2030-03-04", "2030-03-05", "2029-12-31", "1999-01-01", "1905-07-08", "2099-11-30"]
# names as the entity stage gives them: repeated, differently cased, with commas and
# spaces (document() turns a name's commas into spaces), blank
NAMES = ["North Korea", "Kim", "KIM", " kim ", "Smith, John", "Zürich", "ß", "İstanbul", " "]


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
                id=f"a{i}" if i % 7 else f"Ä-{i}/x y",
                path=f"/c/{i}.txt",
                title=" ".join(rng.choice(words) for _ in range(rng.randint(0, 8))),
                paragraphs=tuple(p for p in body if p),
                outlet=rng.choice(OUTLETS),
                date=rng.choice(DATES),
                content_hash=f"h{i}",
            )
        )
    # positions and frequencies too wide for two bytes; a document with no text
    filler = " ".join(["filler"] * 70_000)
    out.append(Article("wide", "/c/w.txt", "Ferry", (f"ferry {filler} ferry",), content_hash="w"))
    out.append(Article("empty", "/c/e.txt", "", (), content_hash="e"))
    return out


def _documents(articles: list[Article], seed: int = 7) -> list[dict]:
    """The articles' documents, with entities and stories (some shared, some not)."""
    rng = random.Random(seed)
    docs = []
    for i, a in enumerate(articles):
        names = [rng.choice(NAMES) for _ in range(rng.choice([0, 0, 1, 2, 5, 30]))]
        story = rng.choice([None, "s-1", "s-2", f"s-{i}"])
        doc = document(a, names, story)
        if i % 11 == 3:  # raw values as a caller may give them: empty runs, stray spaces
            doc["entity"] = "Kim,, kim ,NORTH korea, ,Kim"
        docs.append(doc)
    return docs


def _write(folder, articles, bulk: bool):
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = BulkWriter(ix) if bulk else blocks.writer(ix)  # Whoosh's own pool and analysis
    for doc in _documents(articles):
        writer.add_document(**doc)
    writer.commit()
    return ix


SORTABLE = ("id", "outlet", "sortdate", "entity", "story", "hash")
SCORABLE = ("title", "body", "entity")


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
        for field in SCORABLE:
            out["total length", field] = reader.field_length(field)
            out["min/max length", field] = (
                reader.min_field_length(field),
                reader.max_field_length(field),
            )
        for field in SORTABLE:
            out["column", field] = list(reader.column_reader(field))
        for docnum in range(reader.doc_count_all()):
            for field in SCORABLE:
                out[docnum, field] = reader.doc_field_length(docnum, field)
            out[docnum, "stored"] = reader.stored_fields(docnum)
    return out


@pytest.mark.parametrize(("n", "part"), [(1, None), (200, None), (400, None), (400, 300)])
def test_a_bulk_segment_holds_what_whoosh_writes(tmp_path, monkeypatch, n, part):
    if part:  # words sorted a few hundred at a time: many parts, terms cut nowhere
        monkeypatch.setattr(bulk, "PART_WORDS", part)
        monkeypatch.setattr(blocks.TermWriter, "FLUSH_BYTES", 50)  # files written in pieces
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
    if n >= 400:  # the other fields have terms of several blocks too
        terms = _terms(want)
        for field in ("outlet", "date", "sortdate", "entity"):
            assert max(len(items) for k, (_, items) in terms.items() if k[0] == field) > 128
        assert {t for f, t in terms if f == "outlet"} >= {b"north post", "süd zeitung".encode()}
        assert ("entity", b"kim") in terms and ("entity", b"smith  john") in terms
        assert any(
            w > 1 for k, (_, items) in terms.items() if k[0] == "entity" for _, w, *_ in items
        )


# a wrong analysis of one kind of field, as a bulk path might make it
WRONG = {
    "a trie term less": (DATETIME, lambda terms: terms[:-1]),
    "another id": (ID, lambda terms: [(t + b"!", n, w, v) for t, n, w, v in terms]),
    "weights": (KEYWORD, lambda terms: [(t, n, 2 * w, v) for t, n, w, v in terms]),
    "field lengths": (KEYWORD, lambda terms: [(t, 2 * n, w, v) for t, n, w, v in terms]),
    "values": (KEYWORD, lambda terms: [(t, n, w, pack_uint(n + 1)) for t, n, w, _ in terms]),
}


@pytest.mark.parametrize("wrong", WRONG)
def test_the_comparison_sees_anything_written_differently(tmp_path, monkeypatch, wrong):
    """The bulk path made to analyse one field wrongly: the segments must differ."""
    articles = _articles(40)
    want = _everything(_write(tmp_path / "whoosh", articles, bulk=False))
    kind, change = WRONG[wrong]

    def wrongly(field):
        right = analyser(field)
        return (lambda value: change(right(value))) if type(field) is kind else right

    monkeypatch.setattr(bulk_keys, "analyser", wrongly)
    assert _everything(_write(tmp_path / "bulk", articles, bulk=True)) != want


def test_the_comparison_sees_other_stored_fields(tmp_path, monkeypatch):
    articles = _articles(10)
    want = _everything(_write(tmp_path / "whoosh", articles, bulk=False))
    real = bulk.StoredFields.add
    monkeypatch.setattr(
        bulk.StoredFields,
        "add",
        lambda self, docnum, value: real(self, docnum, {**value, "url": "elsewhere"}),
    )
    assert _everything(_write(tmp_path / "bulk", articles, bulk=True)) != want


def test_stored_fields_are_smaller_and_read_as_whoosh_reads_them(tmp_path):
    """Protocol 4 keeps the (already compressed) article blob as raw bytes: smaller
    than Whoosh's protocol-2 pickle after zlib, and read back by Whoosh's reader."""
    raw = {}
    for in_bulk in (False, True):
        ix = _write(tmp_path / str(in_bulk), _articles(50), bulk=in_bulk)
        with ix.searcher() as s:
            reader = s.reader()
            column = reader._perdoc.column_reader("_stored", VarBytesColumn())
            raw[in_bulk] = list(column)
            for docnum, value in enumerate(raw[in_bulk]):
                assert pickle.loads(zlib.decompress(value)) == reader.stored_fields(docnum)
    assert all(zlib.decompress(v).startswith(b"\x80\x04") for v in raw[True])
    assert sum(map(len, raw[True])) < 0.9 * sum(map(len, raw[False]))


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(st.sampled_from("aAkK ,\t\nßİÄä\u2003é."), max_size=30),
    number=st.integers(0, 2**32 - 1),
    when=st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31)),
)
def test_direct_analysis_is_whoosh_s(text, number, when):
    """Each field's direct analysis gives what ``field.index`` gives, term for term."""
    schema = build_schema()
    values = {"sortdate": number, "date": when}
    for name in ("id", "path", "outlet", "entity", "story", "hash", "sortdate", "date"):
        field = schema[name]
        value = values.get(name, text)
        assert sorted(analyser(field)(value)) == sorted(field.index(value)), name
    entity = schema["entity"]
    assert sorted(analyser(entity)([text, "Kim"])) == sorted(entity.index([text, "Kim"]))


def _terms(everything: dict) -> dict:
    return {k: v for k, v in everything.items() if isinstance(k[1], bytes)}


def test_phrases_and_searches_answer_the_same(tmp_path):
    articles = _articles(300, seed=3)
    ixs = [_write(tmp_path / str(b), articles, bulk=b) for b in (False, True)]
    queries = [
        '"harbour ferry votes"',
        '"ferry harbour"',
        "vote*",
        "café AND ferry",
        "title:ferry",
        # the other fields, alone and scoring with the text
        "entity:kim",
        "entity:kim OR entity:'north korea' OR ferry",
        "entity:'smith  john' AND harbour",
        "outlet:'NORTH POST'",
        "outlet:'süd zeitung' ferry",
        "date:[1999 to 2030]",
        "date:[20300305 to] OR date:[to 19060101]",
        "sortdate:[19990101 to 20300304] ferry",
        "sortdate:{0 to 19990101]",
        "story:s-1 OR story:s-2",
        "id:a1 OR path:'/c/2.txt' OR hash:h3",
    ]
    for text in queries:
        answers = []
        for ix in ixs:
            with ix.searcher() as searcher:
                q = QueryParser("body", ix.schema).parse(text)
                hits = searcher.search(q, limit=None)
                answers.append([(h["id"], round(h.score, 6)) for h in hits])
                # sorted by the columns, as the reader sorts
                hits = searcher.search(q, limit=None, sortedby=["sortdate", "hash"])
                answers.append([h["id"] for h in hits])
        assert answers[:2] == answers[2:], text
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


def test_worker_chunks_write_in_bulk_and_index_every_file(tmp_path, monkeypatch):
    from index.build import adopt_segment, index_chunk

    added = []
    real_add = bulk_keys.KeyPostings.add
    monkeypatch.setattr(
        bulk_keys.KeyPostings, "add", lambda self, *a: added.append(1) or real_add(self, *a)
    )
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(30):
        (corpus / f"{i}.txt").write_text(
            f"Ferry strike day {i}\n\nThe harbour ferry stopped on day {i}.\n", encoding="utf-8"
        )
    gdir = tmp_path / "g"
    gdir.mkdir()
    ix = whoosh_index.create_in(str(gdir), build_schema())
    jobs = [(str(p), None, {}) for p in sorted(corpus.glob("*.txt"))]
    segment, tmp, outcomes = index_chunk(str(gdir), ix.schema, jobs)
    assert added and segment.doc_count_all() == 30 and len(outcomes) == 30
    adopt_segment(ix, segment, tmp, [])
    with ix.searcher() as s:
        parse = QueryParser("body", s.schema).parse
        assert len(s.search(parse("ferry"), limit=None)) == 30
        assert len(s.search(parse('"harbour ferry stopped"'), limit=None)) == 30
        for docnum in range(30):
            doc = s.stored_fields(docnum)
            assert s.document_number(id=doc["id"]) == docnum
            assert s.document_number(path=doc["path"]) == docnum


def test_a_bulk_writer_cannot_merge(tmp_path):
    ix = _write(tmp_path / "ix", _articles(3), bulk=False)
    with ix.reader() as reader, pytest.raises(NotImplementedError):
        BulkWriter(ix).add_reader(reader)


def test_other_field_types_are_written_as_whoosh_writes(tmp_path):
    """Fields the direct analysis does not know (Whoosh analyses them) and formats
    with values of their own (positions: sizes vary) come out the same too."""
    schema = fields.Schema(
        id=fields.ID(stored=True),
        note=fields.TEXT(phrase=True),  # not FastText: positions through bulk_keys
        tags=fields.KEYWORD(scorable=True, field_boost=1.5),
        score=fields.NUMERIC(float),
        rank=fields.NUMERIC(int, shift_step=0),
        ok=fields.BOOLEAN(),
    )
    rng = random.Random(5)
    docs = [
        {
            "id": f"d{i}",
            "note": " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 30))),
            "tags": " ".join(rng.choice(["red", "Red", "blue", "x,y"]) for _ in range(3)),
            "score": rng.choice([-1.5, 0.0, 2.25, 1e9]),
            "rank": rng.randint(-3, 3),
            "ok": rng.random() < 0.5,
        }
        for i in range(300)
    ]
    got = []
    for in_bulk in (False, True):
        (tmp_path / str(in_bulk)).mkdir()
        ix = whoosh_index.create_in(str(tmp_path / str(in_bulk)), schema)
        writer = BulkWriter(ix) if in_bulk else blocks.writer(ix)
        for doc in docs:
            writer.add_document(**doc)
        writer.commit()
        with ix.searcher() as s:
            reader = s.reader()
            every = {}
            for field, text in reader.all_terms():
                info = reader.term_info(field, text)
                m = reader.postings(field, text)
                items = []
                while m.is_active():
                    items.append((m.id(), m.weight(), m.value()))
                    m.next()
                every[field, text] = (info.weight(), info.doc_frequency(), info.max_weight(), items)
            for docnum in range(reader.doc_count_all()):
                every["lengths", docnum] = [
                    reader.doc_field_length(docnum, f) for f in ("note", "tags")
                ]
            got.append(every)
    assert got[1] == got[0]
    assert max(len(items) for (f, _), (*_, items) in _terms(got[0]).items() if f == "note") > 128
