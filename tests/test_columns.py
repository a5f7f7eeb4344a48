"""Whole-column reads: the same values, in the same order, as Whoosh's per-document readers."""

from __future__ import annotations

from whoosh import fields
from whoosh import index as whoosh_index

from index.columns import ColumnView, _bulk, leaves


def _index(tmp_path, docs):
    schema = fields.Schema(
        key=fields.ID(stored=True, sortable=True),
        day=fields.NUMERIC(int, bits=32, signed=False, sortable=True, default=0),
    )
    ix = whoosh_index.create_in(str(tmp_path), schema)
    for batch in docs:  # one segment per batch
        writer = ix.writer()
        for doc in batch:
            writer.add_document(**doc)
        writer.commit(merge=False)
    return ix


def test_whole_columns_match_the_per_document_readers(tmp_path):
    docs = [
        [{"key": "b\u00e9ta", "day": 20240105}, {"key": "", "day": 7}, {"key": "a"}],
        # the dates end early: Whoosh stores no value for trailing defaults
        [{"key": "zeta", "day": 20200101}, {"key": "k" * 300}, {"key": "m"}],
    ]
    ix = _index(tmp_path, docs)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for name, default in (("key", b""), ("day", 0)):
            view = ColumnView(reader, name, default)
            expected = [view[n] for n in range(reader.doc_count_all())]
            assert view.values(reader) == expected
            for leaf, _ in leaves(reader):  # the fast path was taken, not the fallback
                assert _bulk(leaf.column_reader(name, translate=False)) is not None
        assert ColumnView(reader, "day", 0).values(reader) == [20240105, 7, 0, 20200101, 0, 0]
        keys = ColumnView(reader, "key").values(reader)
        assert keys[0].decode("utf-8") == "b\u00e9ta" and keys[4] == b"k" * 300


def test_other_column_types_fall_back_to_iteration():
    assert _bulk(object()) is None
