"""Bulk postings for the text fields of a worker's segment.

Whoosh turns each document into postings one Python call at a time: the field's
analyzer groups the words by term and pickles each term's positions, the pool
stores every posting, and at the end each posting is handed to the codec again;
at ~350 postings an article that was ~75% of writing a segment.  Here the title
and body of every document are kept as columns of term ids (one regex pass and
one dict lookup per word), and the postings are made at the end with a few NumPy
sorts: grouped by term, then document, written as ``blocks.py`` split blocks
whose positions are packed arrays instead of one pickle per posting.  The other
indexed fields go through ``bulk_keys.py``, the stored fields through
``StoredFields``, and the columns through Whoosh.

Only for a worker's segment writer (bounded, see build.py); a test checks that a
segment written this way answers every term and phrase like one written by Whoosh.
"""

from __future__ import annotations

import pickle
from array import array
from itertools import pairwise
from typing import Any

import numpy as np
from whoosh.columns import WrappedColumnWriter
from whoosh.writing import SegmentWriter

from .analysis import WORD, FastText, stem_word
from .blocks import SplitCodec, TermWriter, term_order
from .bulk_keys import KeyPostings
from .lookups import look_up


class TextColumns:
    """Every word of one text field in a segment: its term id, by document."""

    def __init__(self, boost: float) -> None:
        self.boost = boost
        self._ids: dict[str, int] = {}  # word as written -> term id
        self._by_stem: dict[str, int] = {}
        self.stems: list[str] = []  # term id -> stem
        self.terms = array("i")  # every word's term id, documents in docnum order
        self.docs = array("i")  # docnums holding words
        self.counts = array("i")  # words in each of those
        self._lengths: dict[int, int] | None = None

    def add(self, docnum: int, text: str) -> int:
        """Add a document's text; returns its length in words (Whoosh's field length)."""
        words = WORD.findall(text)
        if not words:
            return 0
        ids = look_up(self._ids.get, words, self._new)
        self.terms.extend(ids)
        self.docs.append(docnum)
        self.counts.append(len(ids))
        return len(ids)

    def close(self) -> None:
        """No more documents: the word lookups go (what ``prepare_unit`` saves is the
        term ids, their stems and the documents' counts)."""
        self._ids, self._by_stem = {}, {}

    def length(self, docnum: int) -> int:
        """A document's length in words, once every document is in (``prepare_unit``
        adds them in a worker while the stories are grouped; ``write_chunk`` asks)."""
        if self._lengths is None:
            self._lengths = dict(zip(self.docs.tolist(), self.counts.tolist(), strict=True))
        return self._lengths.get(docnum, 0)

    def _new(self, word: str) -> int:
        i = self._ids.get(word)
        if i is None:
            s = stem_word(word.lower())
            i = self._by_stem.get(s)
            if i is None:
                i = self._by_stem[s] = len(self.stems)
                self.stems.append(s)
            self._ids[word] = i
        return i


class StoredFields(WrappedColumnWriter):
    """Whoosh's stored-fields column (each document's dict, pickled, in a zlib stream),
    pickled with protocol 4 in an uncompressed zlib stream.

    Whoosh pickles with protocol 2, which writes bytes as UTF-8 text: the article
    blob (already zlib-compressed, most of the dict) grows ~1.5x and zlib then takes
    ~110 µs an article to squeeze it back.  As raw bytes the value is smaller than
    that was (~2.55 vs ~3.0 KB an article) and unpickles ~4x faster.  Readers are
    unchanged: they decompress and unpickle, whatever the level and protocol."""

    def __init__(self, child: Any) -> None:
        super().__init__(child)  # Whoosh's CompressedBytesColumn writer
        child._level = 0

    def add(self, docnum: int, value: Any) -> None:
        self._child.add(docnum, b"" if value is None else pickle.dumps(value, 4))


def bulk_fields(schema: Any) -> dict[str, float]:
    """The schema's text fields that can be written in bulk, with their boosts."""
    return {
        name: field.format.field_boost
        for name, field in schema.items()
        if isinstance(field, FastText) and type(field.format).__name__ == "Positions"
    }


class BulkWriter(SegmentWriter):
    """A SegmentWriter (split codec) that writes every indexed field in bulk.  It only
    adds documents: nothing goes to Whoosh's posting pool, so it cannot merge."""

    def __init__(self, ix: Any, text: dict[str, TextColumns] | None = None, **kwargs: Any) -> None:
        """``text``: the text fields' words of every document this writer will be given,
        in order, made beforehand (``build.prepare_unit``)."""
        super().__init__(ix, codec=SplitCodec(), **kwargs)
        columns = self.perdocwriter._colwriters
        columns["_stored"] = StoredFields(columns["_stored"]._child)
        self._ready = text is not None
        if text is None:
            text = {name: TextColumns(boost) for name, boost in bulk_fields(self.schema).items()}
        self._text = text
        self._keys = {
            name: KeyPostings(field)
            for name, field in self.schema.items()
            if field.indexed and name not in self._text
        }

    def add_reader(self, reader: Any) -> None:
        raise NotImplementedError("a bulk writer cannot merge segments")

    def add_document(self, **fields: Any) -> None:
        if any(name.startswith("_") for name in fields):  # boosts, custom stored values
            raise ValueError("bulk writers take no _-prefixed document options")
        self._check_state()
        self._check_fields(self.schema, fields)
        perdoc = self.perdocwriter
        docnum = self.docnum
        perdoc.start_doc(docnum)
        try:
            for name in sorted(fields):
                value = fields[name]
                if value is None:
                    continue
                field = self.schema[name]
                length = 0
                columns = self._text.get(name)
                if columns is not None:
                    length = columns.length(docnum) if self._ready else columns.add(docnum, value)
                elif field.indexed:
                    length = self._keys[name].add(docnum, value)
                perdoc.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fw = self.fieldwriter
        bulk = {name: cols for name, cols in self._text.items() if cols.docs}
        keys = {name: k for name, k in self._keys.items() if k.postings()}
        for name in sorted(keys | bulk):  # Whoosh's order: by field, then term
            if name in bulk:
                _write_field(fw, name, self.schema[name], bulk[name])
            else:
                keys[name].write(fw, name)
        fw.close()


PART_WORDS = 1 << 19  # words sorted at once: ~60 bytes each in temporaries


def _write_field(fw: Any, name: str, field: Any, cols: TextColumns) -> None:
    """Every term of ``cols`` into the field writer, in Whoosh's order (term bytes,
    then docnum), as split blocks of the codec's block size.

    Words are sorted a part at a time, each part a range of terms holding about
    PART_WORDS words, so a 5,000-article chunk's ~2M body words never have all
    their temporaries in memory at once."""
    terms = np.frombuffer(cols.terms, dtype=np.int32)
    docs = np.frombuffer(cols.docs, dtype=np.int32)
    counts = np.frombuffer(cols.counts, dtype=np.int32)
    texts = [s.encode("utf-8") for s in cols.stems]
    rank, ordered = term_order(texts)
    word_rank = rank[terms]
    doc_start = np.cumsum(counts, dtype=np.int64) - counts
    length_of = np.zeros(int(docs.max()) + 1, dtype=np.int64)
    length_of[docs] = counts
    # cut the term ranks where the running word count passes each multiple of PART_WORDS
    running = np.cumsum(np.bincount(word_rank, minlength=len(texts)))
    cuts = np.searchsorted(running, np.arange(PART_WORDS, running[-1], PART_WORDS)) + 1
    bounds = [0, *sorted(set(cuts.tolist()) - {0, len(texts)}), len(texts)]

    out = TermWriter(fw, name, field)
    for lo, hi in pairwise(bounds):
        # the part's words in (term rank, docnum, position) order: words were added in
        # docnum and position order, so a stable sort by rank alone is enough
        at = np.flatnonzero((word_rank >= lo) & (word_rank < hi))
        part_rank = word_rank[at]
        order = np.argsort(part_rank, kind="stable")
        at, part_rank = at[order], part_rank[order]
        del order
        doc_index = np.searchsorted(doc_start, at, side="right") - 1
        _write_terms(
            out,
            ordered,
            part_rank,
            docs[doc_index],
            at - doc_start[doc_index],
            length_of,
            cols.boost,
        )
    out.close()


def _write_terms(
    out: TermWriter,
    texts: list[bytes],
    word_rank: np.ndarray,
    word_doc: np.ndarray,
    word_pos: np.ndarray,
    length_of: np.ndarray,
    boost: float,
) -> None:
    """Postings and blocks of some words sorted by (term rank, docnum, position):
    ``texts`` are the terms by rank."""
    total = len(word_rank)
    # postings: runs of one (term, doc); positions delta-coded within each
    first = np.ones(total, dtype=bool)
    first[1:] = (word_rank[1:] != word_rank[:-1]) | (word_doc[1:] != word_doc[:-1])
    post_word = np.flatnonzero(first)  # each posting's first word
    freq = np.diff(np.append(post_word, total))
    post_doc = word_doc[post_word].astype(np.int64)
    post_rank = word_rank[post_word]
    deltas = word_pos.copy()
    deltas[1:] -= word_pos[:-1]
    deltas[post_word] = word_pos[post_word]
    post_len = length_of[post_doc]
    weights = (freq * boost).astype(np.float32)

    block_start = out.block_starts(post_rank)
    block_word = post_word[block_start]
    enc_freq = [freq.astype(d).tobytes() for d in ("<u2", "<u4")]
    enc_deltas = [deltas.astype(d).tobytes() for d in ("<u2", "<u4")]
    max_freq = np.maximum.reduceat(freq, block_start).tolist()
    max_delta = np.maximum.reduceat(deltas, block_word).tolist()
    word_bounds = np.append(block_word, total).tolist()
    del freq, deltas, word_rank, word_doc, word_pos

    def part_b(b: int, x: int, y: int) -> bytes:
        wide_f = max_freq[b] >= 0x10000
        wide_d = max_delta[b] >= 0x10000
        u, v = word_bounds[b], word_bounds[b + 1]
        return b"".join(
            (
                bytes((wide_f | wide_d << 1,)),
                enc_freq[wide_f][x * (2 << wide_f) : y * (2 << wide_f)],
                enc_deltas[wide_d][u * (2 << wide_d) : v * (2 << wide_d)],
            )
        )

    out.write_postings(texts, post_rank, post_doc, weights, post_len, block_start, part_b, True)
