"""The split posting-block codec: same postings as Whoosh's own, found the same way."""

from __future__ import annotations

import io
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import fields
from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.filedb.structfile import StructFile

from index import docsets
from index.blocks import SplitCodec, SplitLeafMatcher, SplitPostingsWriter
from index.schema import build_schema

WORDS = "harbour ferry lighthouse storm council vote bridge cape relit friday".split()


def _fill(ix, docs, codec=None):
    writer = ix.writer(codec=codec) if codec else ix.writer()
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()


def _postings(ix) -> dict:
    """Every posting of every field, as Whoosh's matcher API presents it."""
    out = {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for field, text in reader.all_terms():
            m = reader.postings(field, text)
            items = []
            while m.is_active():
                items.append((m.id(), m.weight(), m.value()))
                m.next()
            out[field, text] = items
    return out


def _docs(rng: random.Random, n: int) -> list[dict]:
    # ids 0..n; bodies of 1-60 words (weights vary); a keyword field with no values;
    # a rare word every ~300 documents (deltas wider than a byte)
    docs = []
    for i in range(n):
        body = [rng.choice(WORDS[: rng.randint(1, len(WORDS))]) for _ in range(rng.randint(1, 60))]
        if i % 317 == 0:
            body.append("zeppelin")
        docs.append({"id": str(i), "body": " ".join(body), "outlet": rng.choice("abc")})
    return docs


@pytest.mark.parametrize("n", [1, 127, 128, 129, 900])
def test_split_blocks_hold_exactly_what_whoosh_blocks_hold(tmp_path, n):
    docs = _docs(random.Random(n), n)
    (tmp_path / "stock").mkdir()
    (tmp_path / "split").mkdir()
    stock = whoosh_index.create_in(str(tmp_path / "stock"), build_schema())
    split = whoosh_index.create_in(str(tmp_path / "split"), build_schema())
    _fill(stock, docs)
    _fill(split, docs, SplitCodec())
    assert _postings(split) == _postings(stock)
    with split.searcher() as searcher:
        reader = searcher.reader()
        m = reader.postings("body", b"ferri")
        assert isinstance(m, SplitLeafMatcher)  # the codec really was used


@settings(max_examples=40, deadline=None)
@given(
    gaps=st.lists(st.integers(min_value=1, max_value=70_000), min_size=1, max_size=300),
    weights=st.sampled_from(["one", "same", "each"]),
)
def test_arrays_decode_ids_and_weights_across_blocks(gaps, weights):
    """ids: any gaps (1-, 2- and 4-byte deltas); weights: all 1, all equal, or varied."""
    ids = np.cumsum(gaps).tolist()
    ws = [
        1.0 if weights == "one" else 2.0 if weights == "same" else 1.0 + i % 5
        for i in range(len(ids))
    ]
    buf = io.BytesIO()
    out = StructFile(buf)
    writer = SplitPostingsWriter(out, blocklimit=128, compression=3, inlinelimit=1)
    writer.start_postings(fields.TEXT().format, W3TermInfo())
    for i, w in zip(ids, ws, strict=True):
        writer.add_posting(i, w, b"\x00\x01")
    info = writer.finish_postings()
    data = StructFile(io.BytesIO(buf.getvalue()))
    offset, length = info.extent()
    m = SplitLeafMatcher(data, offset, length, fields.TEXT().format)
    got_ids, got_weights = m.arrays()
    assert got_ids.tolist() == ids
    assert got_weights.tolist() == ws
    m = SplitLeafMatcher(data, offset, length, fields.TEXT().format)
    seen = []
    while m.is_active():
        seen.append((m.id(), m.weight(), m.value()))
        m.next()
    assert seen == [(i, w, b"\x00\x01") for i, w in zip(ids, ws, strict=True)]


def test_phrases_still_match_after_the_first_blocks_were_deleted(tmp_path):
    """Whoosh's deletion filter steps past leading deleted documents before we read the
    positions; the phrase check must still line positions up with the right documents."""
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    docs = [{"id": str(i), "body": "the old lighthouse was relit on friday"} for i in range(400)]
    _fill(ix, docs, SplitCodec())
    writer = ix.writer(codec=SplitCodec())
    for i in range(300):  # more than two whole blocks of leading deletions
        writer.delete_by_term("id", str(i))
    writer.commit(merge=False)
    phrase = Q.Phrase("body", ["relit", "on", "fridai"])
    backwards = Q.Phrase("body", ["fridai", "on", "relit"])
    with ix.searcher() as searcher:
        assert int(docsets.matching_docs(searcher, phrase).sum()) == 100
        assert int(docsets.matching_docs(searcher, backwards).sum()) == 0


def test_an_index_with_stock_and_split_segments_searches_as_one(tmp_path):
    """Indexes built before the split codec keep working; new segments join them."""
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    _fill(ix, [{"id": f"old{i}", "body": f"ferry crossing {i}"} for i in range(200)])
    _fill(ix, [{"id": f"new{i}", "body": f"ferry storm {i}"} for i in range(150)], SplitCodec())
    with ix.searcher() as searcher:
        kinds = {type(r.segment().codec()).__name__ for r, _ in docsets.leaves(searcher.reader())}
        assert kinds == {"W3Codec", "SplitCodec"}
        assert int(docsets.matching_docs(searcher, Q.Term("body", "ferri")).sum()) == 350
        assert int(docsets.matching_docs(searcher, Q.Prefix("body", "stor")).sum()) == 150
    writer = ix.writer(codec=SplitCodec())
    writer.commit(optimize=True)  # merged: every posting re-encoded by the split codec
    with ix.searcher() as searcher:
        kinds = {type(r.segment().codec()).__name__ for r, _ in docsets.leaves(searcher.reader())}
        assert kinds == {"SplitCodec"}
        assert int(docsets.matching_docs(searcher, Q.Term("body", "ferri")).sum()) == 350


@pytest.mark.parametrize("codec", [None, SplitCodec()])
def test_merging_segments_keeps_every_live_posting(tmp_path, codec):
    """Merging reads each segment's postings in one ordered pass over its terms
    (whoosh_patches): the same postings as Whoosh's own walk, deleted ones left out."""
    from whoosh import reading

    from index import whoosh_patches

    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    rng = random.Random(4)
    for batch in range(3):
        docs = _docs(rng, 60)
        for d in docs:
            d["id"] = f"{batch}-{d['id']}"
        _fill(ix, docs, codec)
    writer = ix.writer(codec=codec) if codec else ix.writer()
    for i in range(0, 60, 3):
        writer.delete_by_term("id", f"1-{i}")
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        for leaf, _ in docsets.leaves(searcher.reader()):
            ours = list(leaf.iter_postings())
            whooshs = list(whoosh_patches._original_iter_postings(leaf))
            assert ours == whooshs and ours
            assert isinstance(leaf, reading.SegmentReader)
    before = _postings(ix)  # what searches see: live documents only
    writer = ix.writer(codec=codec) if codec else ix.writer()
    writer.commit(optimize=True)
    after = _postings(ix)
    with ix.searcher() as searcher:
        assert searcher.doc_count_all() == 160  # the 20 deleted documents are gone
    # every live posting is kept (docnums renumbered past the deleted ones)
    assert {k: len(v) for k, v in after.items() if v} == {k: len(v) for k, v in before.items() if v}
