"""Bulk postings for the text fields of a worker's segment.

Whoosh turns each document into postings one Python call at a time: the field's
analyzer groups the words by term and pickles each term's positions, the pool
stores every posting, and at the end each posting is handed to the codec again;
at ~350 postings an article that was ~75% of writing a segment.  Here the title
and body of every document are kept as columns of term ids (one regex pass and
one dict lookup per word), and the postings are made at the end with a few NumPy
sorts: grouped by term, then document, written as ``blocks.py`` split blocks
whose positions are packed arrays instead of one pickle per posting.  Everything
else (stored fields, columns, the other fields' postings) goes through Whoosh.

Only for a worker's segment writer (bounded, see build.py); a test checks that a
segment written this way answers every term and phrase like one written by Whoosh.
"""

from __future__ import annotations

from array import array
from itertools import pairwise
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.system import pack_ushort
from whoosh.writing import SegmentWriter

from .analysis import WORD, FastText, stem_word
from .blocks import ALL_ONE, ALL_SAME, EACH, FLOAT, SplitCodec
from .pool import use_compact_pool
from .whoosh_patches import _MemoLengths


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

    def add(self, docnum: int, text: str) -> int:
        """Add a document's text; returns its length in words (Whoosh's field length)."""
        words = WORD.findall(text)
        if not words:
            return 0
        get = self._ids.get
        ids = [get(w, -1) for w in words]
        if -1 in ids:
            ids = [i if i >= 0 else self._new(w) for i, w in zip(ids, words, strict=True)]
        self.terms.extend(ids)
        self.docs.append(docnum)
        self.counts.append(len(ids))
        return len(ids)

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


def bulk_fields(schema: Any) -> dict[str, float]:
    """The schema's text fields that can be written in bulk, with their boosts."""
    return {
        name: field.format.field_boost
        for name, field in schema.items()
        if isinstance(field, FastText) and type(field.format).__name__ == "Positions"
    }


class BulkWriter(SegmentWriter):
    """A SegmentWriter (split codec, in-memory pool) that writes text fields in bulk."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, codec=SplitCodec(), **kwargs)
        use_compact_pool(self)  # the other fields' postings
        self._text = {name: TextColumns(boost) for name, boost in bulk_fields(self.schema).items()}

    def add_document(self, **fields: Any) -> None:
        if any(name.startswith("_") for name in fields):  # boosts, custom stored values
            raise ValueError("bulk writers take no _-prefixed document options")
        self._check_state()
        self._check_fields(self.schema, fields)
        perdoc = self.perdocwriter
        docnum = self.docnum
        add_post = self.pool.add
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
                    length = columns.add(docnum, value)
                elif field.indexed:
                    for tbytes, freq, weight, vbytes in field.index(value):
                        if field.scorable:
                            length += freq
                        add_post((name, tbytes, docnum, weight, vbytes))
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
        pdr = self.per_document_reader()
        lengths = _MemoLengths(pdr)
        fw = self.fieldwriter
        pooled = self.pool.fieldnames
        bulk = {name: cols for name, cols in self._text.items() if cols.docs}
        for name in sorted(pooled | set(bulk)):  # Whoosh's order: by field, then term
            if name in bulk:
                _write_field(fw, name, self.schema[name], bulk[name])
            else:
                fw.add_postings(self.schema, lengths, self.pool.iter_postings(name))
        fw.close()
        pdr.close()


def _reduce(ufunc: Any, values: np.ndarray, starts: np.ndarray) -> list:
    return ufunc.reduceat(values, starts).tolist()


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
    by_text = sorted(range(len(texts)), key=texts.__getitem__)
    rank = np.empty(len(texts), dtype=np.int32)
    rank[by_text] = np.arange(len(texts), dtype=np.int32)
    word_rank = rank[terms]
    doc_start = np.cumsum(counts, dtype=np.int64) - counts
    length_of = np.zeros(int(docs.max()) + 1, dtype=np.int64)
    length_of[docs] = counts
    # cut the term ranks where the running word count passes each multiple of PART_WORDS
    running = np.cumsum(np.bincount(word_rank, minlength=len(texts)))
    cuts = np.searchsorted(running, np.arange(PART_WORDS, running[-1], PART_WORDS)) + 1
    bounds = [0, *sorted(set(cuts.tolist()) - {0, len(texts)}), len(texts)]

    fw.start_field(name, field)
    ordered = [texts[i] for i in by_text]
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
            fw,
            ordered,
            part_rank,
            docs[doc_index],
            at - doc_start[doc_index],
            length_of,
            cols.boost,
        )
    fw.finish_field()


def _write_terms(
    fw: Any,
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

    # blocks: at most ``limit`` postings of one term
    limit = fw._codec._blocklimit
    term_first = np.ones(len(post_word), dtype=bool)
    term_first[1:] = post_rank[1:] != post_rank[:-1]
    term_start = np.flatnonzero(term_first)
    index_in_term = np.arange(len(post_word)) - np.repeat(
        term_start, np.diff(np.append(term_start, len(post_word)))
    )
    block_start = np.flatnonzero(term_first | (index_in_term % limit == 0))
    id_deltas = post_doc.copy()
    id_deltas[1:] -= post_doc[:-1]
    id_deltas[block_start] = post_doc[block_start]
    block_word = post_word[block_start]

    enc_ids = [id_deltas.astype(d).tobytes() for d in ("<u1", "<u2", "<u4")]
    enc_weights = weights.astype("<f4").tobytes()
    enc_freq = [freq.astype(d).tobytes() for d in ("<u2", "<u4")]
    enc_deltas = [deltas.astype(d).tobytes() for d in ("<u2", "<u4")]
    top_id = _reduce(np.maximum, id_deltas, block_start)
    max_w = _reduce(np.maximum, weights, block_start)
    min_w = _reduce(np.minimum, weights, block_start)
    sum_w = _reduce(np.add, weights.astype(np.float64), block_start)
    min_len = _reduce(np.minimum, post_len, block_start)
    max_len = _reduce(np.maximum, post_len, block_start)
    max_freq = _reduce(np.maximum, freq, block_start)
    max_delta = _reduce(np.maximum, deltas, block_word)
    bounds = np.append(block_start, len(post_word)).tolist()
    word_bounds = np.append(block_word, total).tolist()
    first_ids = post_doc[block_start].tolist()
    last_ids = post_doc[np.append(block_start[1:], len(post_word)) - 1].tolist()
    block_rank = post_rank[block_start].tolist()
    ends_term = np.append(term_first[block_start[1:]], True).tolist()
    del id_deltas, weights, freq, deltas, post_doc, post_len, word_rank, word_doc, word_pos

    pw = fw._postwriter
    fieldid = pack_ushort(fw._fieldid)
    info = None
    for b in range(len(bounds) - 1):
        if info is None:
            info = W3TermInfo()
            pw.begin_term(info)
        x, y = bounds[b], bounds[b + 1]
        code = 0 if top_id[b] < 0x100 else 1 if top_id[b] < 0x10000 else 2
        part_a = enc_ids[code][x * _WIDTH[code] : y * _WIDTH[code]]
        if min_w[b] != max_w[b]:
            mode = EACH
            part_a += enc_weights[4 * x : 4 * y]
        elif max_w[b] == 1.0:
            mode = ALL_ONE
        else:
            mode = ALL_SAME
            part_a += FLOAT.pack(max_w[b])
        wide_f = max_freq[b] >= 0x10000
        wide_d = max_delta[b] >= 0x10000
        u, v = word_bounds[b], word_bounds[b + 1]
        part_b = b"".join(
            (
                bytes((wide_f | wide_d << 1,)),
                enc_freq[wide_f][x * (2 << wide_f) : y * (2 << wide_f)],
                enc_deltas[wide_d][u * (2 << wide_d) : v * (2 << wide_d)],
            )
        )
        pw.write_packed(
            info,
            (y - x, first_ids[b], last_ids[b], max_w[b], sum_w[b], min_len[b], max_len[b]),
            code,
            mode,
            part_a,
            part_b,
            ends_term[b],
        )
        if ends_term[b]:
            fw._tindex.add(fieldid + texts[block_rank[b]], pw.end_term(info).to_bytes())
            info = None


_WIDTH = (1, 2, 4)
