"""Every document a query matches, as a set, fast (for totals and facets).

Whoosh finds matches by stepping compound matchers one document at a time in
Python.  For the boolean skeleton of a query (terms, AND, OR, NOT) we instead read
each term's posting ids a block at a time and combine them with set operations,
which run in C.  Anything else (phrases, ranges, wildcards Whoosh expands) is
asked of Whoosh for that sub-query only.  Deleted documents are subtracted once.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from typing import Any

from whoosh import query as Q
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher


def matching_docs(searcher: Any, q: Q.Query) -> set[int]:
    """Global docnums of live documents matching ``q``."""
    reader = searcher.reader()
    leaves = reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]
    return _eval(searcher, leaves, q) - _deleted(leaves)


def _deleted(leaves: list[tuple[Any, int]]) -> set[int]:
    out: set[int] = set()
    for leaf, offset in leaves:
        if leaf.has_deletions():
            out.update(offset + d for d in leaf.deleted_docs_set)
    return out


def _eval(searcher: Any, leaves: list[tuple[Any, int]], q: Q.Query) -> set[int]:
    if isinstance(q, Q.Term) and type(q) is Q.Term:
        return _term(leaves, q.fieldname, q.text, searcher.schema)
    if isinstance(q, Q.Or):
        out: set[int] = set()
        for child in q.children():
            out |= _eval(searcher, leaves, child)
        return out
    if isinstance(q, Q.And):
        positive = [c for c in q.children() if not isinstance(c, Q.Not)]
        negative = [c.query for c in q.children() if isinstance(c, Q.Not)]
        if not positive:
            return set(searcher.docs_for_query(q))
        sets = sorted((_eval(searcher, leaves, c) for c in positive), key=len)
        out = sets[0].intersection(*sets[1:])
        for n in negative:
            if not out:
                break
            out -= _eval(searcher, leaves, n)
        return out
    if isinstance(q, Q.AndNot):
        return _eval(searcher, leaves, q.a) - _eval(searcher, leaves, q.b)
    if isinstance(q, Q.AndMaybe):
        return _eval(searcher, leaves, q.a)
    if q is Q.NullQuery or isinstance(q, type(Q.NullQuery)):
        return set()
    if isinstance(q, Q.Every):
        return {offset + i for leaf, offset in leaves for i in range(leaf.doc_count_all())}
    if isinstance(q, Q.NumericRange) and q.fieldname == "date":
        return _date_range(searcher.reader(), q)
    if isinstance(q, (Q.Prefix, Q.Wildcard, Q.FuzzyTerm, Q.Variations)):
        return _multi(searcher, leaves, q)
    return set(searcher.docs_for_query(q))


def _date_range(reader: Any, q: Q.NumericRange) -> set[int]:
    """A date range from the cached yyyymmdd column instead of Whoosh's numeric terms."""
    from whoosh.util.times import long_to_datetime

    from .facets import columns

    def day(value: Any, default: int) -> int:
        if value is None:
            return default
        when = long_to_datetime(value)
        return when.year * 10000 + when.month * 100 + when.day

    lo, hi = day(q.start, 0), day(q.end, 99991231)
    if q.startexcl:
        lo += 1  # day granularity: dates are stored at midnight
    if q.endexcl:
        hi -= 1
    dates = columns(reader).dates
    return {d for d, v in enumerate(dates) if v and lo <= v <= hi}


def _term(leaves: list[tuple[Any, int]], field: str, text: Any, schema: Any) -> set[int]:
    try:
        btext = text if isinstance(text, bytes) else schema[field].to_bytes(text)
    except Exception:  # noqa: BLE001 - a value the field cannot encode (date:"x"): no match
        return set()
    out: set[int] = set()
    for leaf, offset in leaves:
        ids = postings(leaf, field, btext)[0]
        out.update(ids if not offset else [offset + i for i in ids])
    return out


def _multi(searcher: Any, leaves: list[tuple[Any, int]], q: Q.Query) -> set[int]:
    """prefix*, wild?card, fuzzy~: the union of the indexed terms they expand to."""
    out: set[int] = set()
    for field, text in q.expanded_terms(searcher.reader()):
        out |= _term(leaves, field, text, searcher.schema)
    return out


_CACHE: OrderedDict[tuple, tuple[Any, Any]] = OrderedDict()
_CACHE_POSTINGS = 400_000  # postings kept across searches (~3 MB as arrays)
_cached = 0
_LOCK = threading.Lock()


def postings(leaf: Any, field: str, btext: bytes) -> tuple[Any, Any]:
    """(segment-local ids, weights) of one term in one segment, deleted documents
    included.  Cached: typing a query repeats its words search after search, and
    ranking.py reads the same postings again for their weights."""
    global _cached
    segment = leaf.segment() if hasattr(leaf, "segment") else None
    key = (segment.segment_id(), field, btext) if segment is not None else None
    if key is not None:
        with _LOCK:
            hit = _CACHE.get(key)
            if hit is not None:
                _CACHE.move_to_end(key)
                return hit
    if (field, btext) not in leaf:
        found: tuple[Any, Any] = (array("I"), array("f"))
    else:
        found = _read(leaf.postings(field, btext))
    if key is not None:
        with _LOCK:
            _CACHE[key] = found
            _cached += len(found[0])
            while _cached > _CACHE_POSTINGS and len(_CACHE) > 1:
                _, old = _CACHE.popitem(last=False)
                _cached -= len(old[0])
    return found


def _read(m: Any) -> tuple[Any, Any]:
    """All ids and weights of a leaf matcher, a block at a time where the codec allows."""
    if isinstance(m, FilterMatcher):  # deletions: subtracted once, later
        m = m.child
    ids, weights = array("I"), array("f")
    if type(m) is not W3LeafMatcher:
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
        return ids, weights
    while not m._atend:
        if m._ids is None:
            m._read_ids()
        if m._weights is None:
            m._read_weights()
        ids.extend(m._ids)
        weights.extend(m._weights)
        if m._lastblock:
            break
        m._next_block()
    return ids, weights
