"""The faster segment opening (whoosh_patches 5 and 6) reads exactly what Whoosh reads."""

from __future__ import annotations

import random

from whoosh import columns
from whoosh import index as whoosh_index
from whoosh.filedb import filetables

from index import whoosh_patches
from index.schema import build_schema


def _index(tmp_path, n: int):
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    rng = random.Random(n)
    with ix.writer() as writer:
        for i in range(n):
            story = "s-" + "x" * rng.randint(0, 40) if rng.random() < 0.8 else None
            fields = {"id": f"doc{i}", "body": f"word{i % 17} harbour {'ferry ' * (i % 5)}"}
            if story:
                fields["story"] = story
            writer.add_document(**fields)
    return ix


def test_hash_tables_and_columns_open_to_the_same_state_as_whoosh(tmp_path, monkeypatch):
    ix = _index(tmp_path, 700)

    def opened():
        with ix.reader() as reader:
            terms = reader._terms._tindex
            state = (terms.tables, terms.endofdata, terms.startofdata, terms.extras)
            cols = {}
            for name in ("id", "story"):
                col = reader._perdoc.column_reader(name, reader.schema[name].column_type)
                while hasattr(col, "_reader") or hasattr(col, "_child"):
                    col = getattr(col, "_reader", None) or col._child
                cols[name] = (list(col._offsets), list(col._lengths), list(col))
            lookups = [reader.doc_frequency("body", w) for w in ("harbour", "ferri", "word3")]
        return state, cols, lookups

    ours = opened()
    monkeypatch.setattr(
        filetables.HashReader, "__init__", whoosh_patches._original_hash_reader_init
    )
    monkeypatch.setattr(
        columns.VarBytesColumn.Reader,
        "_read_offsets_and_lengths",
        whoosh_patches._original_read_offsets_and_lengths,
    )
    assert opened() == ours
    assert len(ours[0][0]) == 256 and ours[1]["id"][0]  # something was read
