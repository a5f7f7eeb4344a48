"""Every document a query matches, as a boolean mask over docnums, fast.

Whoosh finds matches by stepping compound matchers one document at a time in
Python.  For the boolean skeleton of a query (terms, AND, OR, NOT, and the terms
``prefix*``/``fuzzy~`` expand to) we instead read each term's posting ids a block
at a time into a NumPy array and combine masks, which runs in C whatever the
number of matches.  Anything else (phrases, other ranges) is asked of Whoosh for
that sub-query only.  Deleted documents are masked out once.

The mask feeds the total (``count_nonzero``), the facets (``bincount`` over
column codes, facets.py) and the ranking (ranking.py).
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from typing import Any

import numpy as np
from whoosh import query as Q
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

from .blocks import SplitLeafMatcher
from .columns import leaves, segment_id

Mask = np.ndarray  # bool, one entry per docnum (deleted documents included)


def matching_docs(searcher: Any, q: Q.Query) -> Mask:
    """Mask of the live documents matching ``q``."""
    reader = searcher.reader()
    return _eval(searcher, leaves(reader), reader.doc_count_all(), q) & live_mask(reader)


def live_mask(reader: Any) -> Mask:
    """Mask of the documents not deleted."""
    live = np.ones(reader.doc_count_all(), dtype=bool)
    for leaf, offset in leaves(reader):
        if leaf.has_deletions():
            dead = np.fromiter(leaf.deleted_docs_set, dtype=np.int64)
            live[offset + dead] = False
    return live


def _eval(searcher: Any, leaves: list[tuple[Any, int]], n: int, q: Q.Query) -> Mask:
    if isinstance(q, Q.Term) and type(q) is Q.Term:
        return _term(leaves, n, q.fieldname, q.text, searcher.schema)
    if isinstance(q, Q.Or):
        out = np.zeros(n, dtype=bool)
        for child in q.children():
            out |= _eval(searcher, leaves, n, child)
        return out
    if isinstance(q, Q.And):
        positive = [c for c in q.children() if not isinstance(c, Q.Not)]
        negative = [c.query for c in q.children() if isinstance(c, Q.Not)]
        if not positive:
            return _whoosh(searcher, n, q)
        out = _eval(searcher, leaves, n, positive[0])
        for c in positive[1:]:
            out &= _eval(searcher, leaves, n, c)
        for c in negative:
            out &= ~_eval(searcher, leaves, n, c)
        return out
    if isinstance(q, Q.AndNot):
        return _eval(searcher, leaves, n, q.a) & ~_eval(searcher, leaves, n, q.b)
    if isinstance(q, Q.AndMaybe):
        return _eval(searcher, leaves, n, q.a)
    if q is Q.NullQuery or isinstance(q, type(Q.NullQuery)):
        return np.zeros(n, dtype=bool)
    if isinstance(q, Q.Every):
        return np.ones(n, dtype=bool)
    if isinstance(q, Q.NumericRange) and q.fieldname == "date":
        return _date_range(searcher.reader(), q)
    if type(q) is Q.Prefix:
        found = _prefix(searcher, leaves, n, q)
        if found is not None:
            return found
    if isinstance(q, (Q.Prefix, Q.Wildcard, Q.FuzzyTerm, Q.Variations)):
        return _multi(searcher, leaves, n, q)
    if type(q) is Q.Phrase and q.slop == 1 and len(q.words) > 1:
        found = _phrase(searcher, leaves, n, q)
        if found is not None:
            return found
    return _whoosh(searcher, n, q)


def _whoosh(searcher: Any, n: int, q: Q.Query) -> Mask:
    out = np.zeros(n, dtype=bool)
    ids = np.fromiter(searcher.docs_for_query(q), dtype=np.int64)
    out[ids[ids < n]] = True
    return out


def _date_range(reader: Any, q: Q.NumericRange) -> Mask:
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
    return (dates > 0) & (dates >= lo) & (dates <= hi)


def _term(leaves: list[tuple[Any, int]], n: int, field: str, text: Any, schema: Any) -> Mask:
    out = np.zeros(n, dtype=bool)
    try:
        btext = text if isinstance(text, bytes) else schema[field].to_bytes(text)
    except Exception:  # noqa: BLE001 - a value the field cannot encode (date:"x"): no match
        return out
    for leaf, offset in leaves:
        ids = postings(leaf, field, btext)[0]
        if len(ids):
            out[offset + ids] = True
    return out


def _multi(searcher: Any, leaves: list[tuple[Any, int]], n: int, q: Q.Query) -> Mask:
    """prefix*, wild?card, fuzzy~: the union of the indexed terms they expand to."""
    out = np.zeros(n, dtype=bool)
    for field, text in q.expanded_terms(searcher.reader()):
        out |= _term(leaves, n, field, text, searcher.schema)
    return out


def _prefix(searcher: Any, leaves: list[tuple[Any, int]], n: int, q: Q.Prefix) -> Mask | None:
    """``prefix*`` from one ordered scan per segment (None: Whoosh expands it)."""
    terms = _prefix_of(searcher, q)
    if terms is None:
        return None
    out = np.zeros(n, dtype=bool)
    for leaf, offset in leaves:
        ids = [postings(leaf, q.fieldname, t)[0] for t in terms]
        ids = [a for a in ids if len(a)]
        if ids:
            out[offset + np.concatenate(ids)] = True
    return out


def _prefix_of(searcher: Any, q: Q.Prefix) -> list[bytes] | None:
    """``prefix_terms`` for a Prefix query; None (Whoosh decides) for an empty prefix
    or a field that cannot hold it."""
    try:
        btext = searcher.schema[q.fieldname].to_bytes(q.text)
    except Exception:  # noqa: BLE001 - a field or value that cannot hold the prefix
        return None
    return prefix_terms(searcher.reader(), q.fieldname, btext) if btext else None


def prefix_terms(reader: Any, field: str, prefix: bytes) -> list[bytes] | None:
    """Every indexed term of ``field`` that starts with ``prefix``, sorted; None when a
    segment's term index cannot be scanned (callers let Whoosh expand instead).

    Whoosh expands a prefix by merging every segment's term list, then looks each
    term up in each segment again, twice (is it there? its postings): at 100k
    articles in ~25 segments that was ten thousand hash lookups for ``inte*``.  Here
    each segment's term index is read once, in order, and each term's postings are
    read straight from the term info found on the way, into the postings cache;
    a term some segment lacks is cached there as empty, so the mask and the
    ranking that follow look nothing up again.
    """
    found = [_expansion(leaf, field, prefix) for leaf, _ in leaves(reader)]
    if any(present is None for present, _ in found):
        return None
    per_leaf = [present for present, _ in found]
    union = sorted(set().union(*per_leaf))
    if not any(scanned for _, scanned in found):
        return union  # the absences were recorded when the segments were scanned
    for (leaf, _), present in zip(leaves(reader), per_leaf, strict=True):
        if len(present) < len(union):
            segment = segment_id(leaf)
            if segment is not None:
                for term in union:
                    if term not in present:
                        _remember((segment, field, term), _EMPTY, only_if_missing=True)
    return union


def _expansion(leaf: Any, field: str, prefix: bytes) -> tuple[frozenset[bytes] | None, bool]:
    """(the terms of one segment starting with ``prefix``, whether the segment was
    scanned now).  Remembered, as segments never change; scanned again when the
    terms' postings have left the cache."""
    global _expanded
    segment = segment_id(leaf)
    if segment is None:
        return None, False
    key = (segment, field, prefix)
    with _LOCK:
        found = _EXPANSIONS.get(key)
        if found is not None:
            _EXPANSIONS.move_to_end(key)
            evicted = any((segment, field, t) not in _CACHE for t in found)
    if found is not None:
        if evicted:
            _scan(leaf, field, prefix)
        return found, evicted
    found = _scan(leaf, field, prefix)
    if found is not None:
        with _LOCK:
            if key not in _EXPANSIONS:
                _EXPANSIONS[key] = found
                _expanded += len(found) + 1
            while _expanded > _EXPANSION_TERMS and len(_EXPANSIONS) > 1:
                _, old = _EXPANSIONS.popitem(last=False)
                _expanded -= len(old) + 1
    return found, True


def forget() -> None:
    """Drop every cached posting list and prefix expansion (benchmarks time cold searches)."""
    global _cached, _expanded
    with _LOCK:
        _CACHE.clear()
        _EXPANSIONS.clear()
        _cached = _expanded = 0


def expanded_terms(searcher: Any, q: Q.Query) -> list[tuple[str, Any]]:
    """The (field, term) pairs a leaf query stands for (Whoosh's ``expanded_terms``);
    a plain prefix from the per-segment scan above, which the mask has already made."""
    if type(q) is Q.Prefix:
        found = _prefix_of(searcher, q)
        if found is not None:
            return [(q.fieldname, t) for t in found]
    return list(q.expanded_terms(searcher.reader(), phrases=True))


def indexed(reader: Any, field: str, btext: bytes) -> bool:
    """Does any segment hold the term?  From the (cached) postings the mask read."""
    return any(len(postings(leaf, field, btext)[0]) for leaf, _ in leaves(reader))


def _scan(leaf: Any, field: str, prefix: bytes) -> frozenset[bytes] | None:
    terms = getattr(leaf, "_terms", None)
    codec = getattr(terms, "_codec", None)
    segment = segment_id(leaf)
    if codec is None or segment is None or not hasattr(terms, "items_from"):
        return None
    fmt = leaf.schema[field].format
    found = []
    for (name, tbytes), info in terms.items_from(field, prefix):
        if name != field or not tbytes.startswith(prefix):
            break
        found.append(tbytes)
        cache_key = (segment, field, tbytes)
        with _LOCK:
            cached = cache_key in _CACHE
        if not cached:
            matcher = codec.postings_reader(terms._postfile, info, fmt, term=(field, tbytes))
            _remember(cache_key, _read(matcher))
    return frozenset(found)


_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
_CACHE: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
_CACHE_POSTINGS = 2_000_000  # postings kept across searches (~16 MB)
_cached = 0
# per (segment, field, prefix): the segment's terms with that prefix; bounded by the
# number of terms held, apart from the per-segment caches (which a long session of
# distinct prefixes would otherwise flush, facet columns and field lengths included)
_EXPANSIONS: OrderedDict[tuple, frozenset[bytes]] = OrderedDict()
_EXPANSION_TERMS = 200_000
_expanded = 0
_LOCK = threading.Lock()


def postings(leaf: Any, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(segment-local ids, weights) of one term in one segment as arrays, deleted
    documents included.  Cached: typing a query repeats its words search after
    search, and ranking.py reads the same postings again for their weights."""
    segment = segment_id(leaf)
    key = (segment, field, btext) if segment is not None else None
    if key is not None:
        with _LOCK:
            hit = _CACHE.get(key)
            if hit is not None:
                _CACHE.move_to_end(key)
                return hit
    try:  # (asking ``in leaf`` first looked the term up twice in each segment)
        found = _read(leaf.postings(field, btext))
    except TermNotFound:
        found = _EMPTY
    if key is not None:
        _remember(key, found)
    return found


def _remember(key: tuple, found: tuple[np.ndarray, np.ndarray], only_if_missing=False) -> None:
    """Cache one term's postings in one segment; the oldest go past the budget (an
    absent term costs one posting, so remembered absences are bounded too)."""
    global _cached
    with _LOCK:
        if only_if_missing and key in _CACHE:
            return
        old = _CACHE.pop(key, None)
        if old is not None:
            _cached -= len(old[0]) + 1
        _CACHE[key] = found
        _cached += len(found[0]) + 1
        while _cached > _CACHE_POSTINGS and len(_CACHE) > 1:
            _, old = _CACHE.popitem(last=False)
            _cached -= len(old[0]) + 1


def _unfiltered(m: Any) -> Any:
    """The matcher under Whoosh's deletion filter, back at its first posting: the
    filter has already stepped past leading deleted documents, and callers here
    count posting indexes from the start (deletions are masked out later)."""
    if isinstance(m, FilterMatcher):
        m = m.child
        m.reset()
    return m


def _read(m: Any) -> tuple[np.ndarray, np.ndarray]:
    """All ids and weights of a leaf matcher, a block at a time where the codec allows."""
    m = _unfiltered(m)
    if isinstance(m, SplitLeafMatcher):
        return m.arrays()
    ids, weights = array("q"), array("f")
    if not isinstance(m, W3LeafMatcher):
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
    else:
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
    return np.frombuffer(ids, dtype=np.int64), np.frombuffer(weights, dtype=np.float32)


def _phrase(searcher: Any, leaves: list[tuple[Any, int]], n: int, q: Q.Phrase) -> Mask | None:
    """Documents holding the words of ``q`` next to each other, in order.

    The documents with every word come from the posting arrays; only those are
    checked, by decoding each word's positions in them (None: Whoosh decides).
    """
    field = searcher.schema[q.fieldname] if q.fieldname in searcher.schema else None
    if field is None or field.format is None or not field.format.supports("positions"):
        return None
    try:
        words = [w if isinstance(w, bytes) else field.to_bytes(w) for w in q.words]
    except Exception:  # noqa: BLE001 - a value the field cannot encode: Whoosh decides
        return None
    out = np.zeros(n, dtype=bool)
    decode = field.format.decode_positions
    for leaf, offset in leaves:
        lists = [postings(leaf, q.fieldname, w)[0] for w in words]
        if any(not len(ids) for ids in lists):
            continue
        common = lists[0]
        for ids in lists[1:]:
            common = np.intersect1d(common, ids, assume_unique=True)
        if not len(common):
            continue
        positions = [
            _positions_at(leaf, q.fieldname, w, ids, common, decode)
            for w, ids in zip(words, lists, strict=True)
        ]
        for k, doc in enumerate(common.tolist()):
            starts = set(positions[0][k])
            for i in range(1, len(words)):
                starts &= {p - i for p in positions[i][k]}
                if not starts:
                    break
            if starts:
                out[offset + doc] = True
    return out


def _positions_at(
    leaf: Any, field: str, btext: bytes, ids: np.ndarray, docs: np.ndarray, decode: Any
) -> list[list[int]]:
    """The positions of one term in each of ``docs`` (sorted, all among ``ids``);
    blocks holding none of them are skipped undecoded."""
    wanted = np.searchsorted(ids, docs).tolist()  # posting indexes, ascending
    m = _unfiltered(leaf.postings(field, btext))
    out: list = []
    if not isinstance(m, W3LeafMatcher):
        wanted_set = set(wanted)
        i = 0
        while m.is_active():
            if i in wanted_set:
                out.append(decode(m.value()))
            i += 1
            m.next()
        return out
    split = isinstance(m, SplitLeafMatcher)
    i = k = 0
    while not m._atend and k < len(wanted):
        end = i + m._blocklength
        if wanted[k] < end and not split and m._values is None:
            m._read_values()
        while k < len(wanted) and wanted[k] < end:
            j = wanted[k] - i
            out.append(m.positions_at(j) if split else decode(m._values[j]))
            k += 1
        i = end
        if m._lastblock:
            break
        m._next_block()
    return out
