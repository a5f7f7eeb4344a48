"""The top N of a query's matches by BM25F, scored a block of postings at a time.

Whoosh's collector ranks by stepping a tree of matcher objects one document at a
time, in Python: at 100k articles that was three quarters of a search.  We already
hold every match as a mask (docsets.py), so ranking only needs, per query term, its
postings' (docnum, weight) pairs, read a block at a time, and each document's field
length.  The formula and parameters are Whoosh's own (``scoring.bm25``, B=0.75,
K1=1.2, idf and average lengths from the whole index, the parser's field boosts and
the schema's index-time boosts, which are folded into the weights), summed over the
query's terms per document (a phrase scores as its words; ``elect*`` as the
words it expands to).
"""

from __future__ import annotations

from math import log
from typing import Any

import numpy as np
from whoosh import query as Q
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length

from .columns import leaves, per_segment
from .docsets import expanded_terms, postings

B = 0.75
K1 = 1.2
_BYTE_LENGTH = np.array([float(byte_to_length(i)) for i in range(256)])

Term = tuple[str, bytes, float]  # field, indexed term, boost


def top(searcher: Any, q: Q.Query, matched: np.ndarray | None, limit: int):
    """[(docnum, score)] best first (ties: lower docnum first), or None when the query
    has nothing to score (only ranges, or a query kind this module does not know).

    ``matched`` is the mask of documents that may be returned (docsets.py)."""
    terms: list[Term] = []
    if not _collect(searcher, q, 1.0, terms) or not terms:
        return None
    reader = searcher.reader()
    n = reader.doc_count_all()
    segments = leaves(reader)
    lengths_of: dict[str, np.ndarray | None] = {}
    docs_parts: list[np.ndarray] = []
    score_parts: list[np.ndarray] = []
    for field, text, boost in terms:
        parts = [(postings(leaf, field, text), offset) for leaf, offset in segments]
        parts = [(ids, weights, offset) for (ids, weights), offset in parts if len(ids)]
        if not parts:
            continue
        # Whoosh's idf (WeightingModel.idf) from the postings already read: a term's
        # document frequency counts its postings in every segment, deleted ones too
        df = sum(len(ids) for ids, _, _ in parts)
        idf = log(n / (df + 1)) + 1
        avg = searcher.avg_field_length(field) or 1.0
        if field not in lengths_of:
            lengths_of[field] = field_lengths(reader, field)
        lengths = lengths_of[field]
        num = idf * (K1 + 1) * boost
        docs = np.concatenate([ids + offset for ids, _, offset in parts])
        w = np.concatenate([weights for _, weights, _ in parts]).astype(np.float64)
        fl = lengths[docs] if lengths is not None else avg
        docs_parts.append(docs)
        score_parts.append(num * w / (w + K1 * (1 - B) + (K1 * B / avg) * fl))
    # one pass sums every term's share per document
    scores = (
        np.bincount(np.concatenate(docs_parts), np.concatenate(score_parts), minlength=n)
        if docs_parts
        else np.zeros(n, dtype=np.float64)
    )
    # every allowed match is a candidate, even one no scored term reaches (score 0)
    candidates = np.flatnonzero(matched) if matched is not None else np.flatnonzero(scores)
    if not len(candidates):
        return []
    values = scores[candidates]
    if len(candidates) > limit:
        # the limit-th best score; everything tied with it stays for the docnum tie-break
        kth = np.partition(values, len(values) - limit)[len(values) - limit]
        keep = values >= kth
        candidates, values = candidates[keep], values[keep]
    order = np.lexsort((candidates, -values))[:limit]
    return [(int(candidates[i]), float(values[i])) for i in order]


def _collect(searcher: Any, q: Q.Query, boost: float, terms: list[Term]) -> bool:
    """Gather the scoring terms of the positive part of ``q``; False if unknown."""
    boost *= getattr(q, "boost", 1.0) or 1.0
    if isinstance(q, Q.Not):
        return True
    if isinstance(q, Q.AndNot):
        return _collect(searcher, q.a, boost, terms)
    if isinstance(q, Q.AndMaybe):
        return _collect(searcher, q.a, boost, terms) and _collect(searcher, q.b, boost, terms)
    if isinstance(q, (Q.NumericRange, Q.DateRange, Q.Every)) or q is Q.NullQuery:
        return True
    if isinstance(q, Q.CompoundQuery):
        return all(_collect(searcher, c, boost, terms) for c in q.children())
    if isinstance(q, (Q.Term, Q.MultiTerm, Q.Phrase)):
        schema = searcher.schema
        try:
            expanded = expanded_terms(searcher, q)
        except Exception:  # noqa: BLE001 - let Whoosh rank what we cannot read
            return False
        for field, text in expanded:
            if field not in schema or not schema[field].scorable:
                continue
            try:
                btext = text if isinstance(text, bytes) else schema[field].to_bytes(text)
            except Exception:  # noqa: BLE001 - a value the field cannot encode: no score
                continue
            terms.append((field, btext, boost))  # one the index lacks scores nothing (df 0)
        return True
    return False


def field_lengths(reader: Any, field: str) -> np.ndarray | None:
    """Every docnum's length in ``field`` (as Whoosh stores it: one byte, approximate),
    cached per segment; None when the field keeps no lengths."""
    parts = per_segment(reader, f"lengths:{field}", lambda leaf: _segment_lengths(leaf, field))
    if parts is None:
        return None
    return np.concatenate(parts) if parts else np.zeros(0)


def _segment_lengths(leaf: Any, field: str) -> np.ndarray | None:
    perdoc = getattr(leaf, "_perdoc", None)  # whoosh3 codec: lengths are a column
    if perdoc is None or not hasattr(perdoc, "_cached_reader"):
        return None
    n = leaf.doc_count_all()
    col = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    if col is None:
        return np.zeros(n)
    if getattr(col, "_fixedlen", None) == 1 and hasattr(col, "_dbfile"):
        raw = bytes(col._dbfile.get(col._basepos, col._count))  # one read, one byte a doc
    else:
        raw = bytes(min(255, max(0, int(col[i]))) for i in range(n))
    codes = np.zeros(n, dtype=np.uint8)
    got = np.frombuffer(raw, dtype=np.uint8)[:n]
    codes[: len(got)] = got
    return _BYTE_LENGTH[codes]
