"""The in-memory posting pool writes exactly the segment Whoosh's own pool writes.

(Worker segments no longer pool postings: bulk.py writes every field; see test_bulk.)"""

from __future__ import annotations

import random

from test_blocks import _postings  # every posting of every field, as Whoosh reads them
from whoosh import index as whoosh_index

from index import blocks
from index.pool import CompactPool, use_compact_pool
from index.schema import build_schema

WORDS = "harbour ferry lighthouse storm council vote bridge cape relit friday élan".split()


def _docs(n: int) -> list[dict]:
    rng = random.Random(n)
    docs = []
    for i in range(n):
        words = [rng.choice(WORDS) for _ in range(rng.randint(1, 80))]
        doc = {
            "id": f"a{i}",
            "title": " ".join(words[:6]).title(),
            "body": " ".join(words),
            "outlet": rng.choice(["Harbour Post", "Nordic Wire"]),
            "hash": f"{i:08x}",
        }
        if i % 3:
            doc["entity"] = ",".join(sorted({rng.choice(["Tallinn", "Finland", "EU"]), "Estonia"}))
        docs.append(doc)
    return docs


def test_a_segment_from_the_compact_pool_equals_whoosh_s(tmp_path):
    docs = _docs(700)
    built = {}
    for name, compact in (("stock", False), ("compact", True)):
        (tmp_path / name).mkdir()
        ix = whoosh_index.create_in(str(tmp_path / name), build_schema())
        writer = blocks.writer(ix, limitmb=1)  # Whoosh's pool spills runs to disk at 1 MB
        if compact:
            assert isinstance(use_compact_pool(writer).pool, CompactPool)
        for doc in docs:
            writer.add_document(**doc)
        writer.commit()
        built[name] = ix
    assert _postings(built["compact"]) == _postings(built["stock"])
    with built["compact"].searcher() as s:
        assert [h["id"] for h in s.search_page(_q(s, "lighthouse ferry"), 1)] == [
            h["id"] for h in built["stock"].searcher().search_page(_q(s, "lighthouse ferry"), 1)
        ]


def _q(searcher, text):
    from whoosh.qparser import QueryParser

    return QueryParser("body", searcher.schema).parse(text)


def test_postings_added_out_of_docnum_order_come_out_in_order():
    pool = CompactPool()
    for docnum in (5, 2, 9, 2):
        pool.add(("body", b"ferri", docnum, 1.0, bytes([docnum])))
    pool.add(("body", b"bridg", 3, 2.0, None))
    pool.add(("body", b"spell", -1, 1.0, None))  # spelling-only marker: never a posting
    assert [(p[1], p[2], p[4]) for p in pool.iter_postings()] == [
        (b"bridg", 3, b""),
        (b"ferri", 2, b"\x02"),
        (b"ferri", 2, b"\x02"),
        (b"ferri", 5, b"\x05"),
        (b"ferri", 9, b"\t"),
    ]
    assert pool.fieldnames == {"body"}
