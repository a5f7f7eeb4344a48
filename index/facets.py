"""Facet counts (outlet, month, entity, story) over every document a query matches.

Whoosh's ``groupedby`` makes the top-N collector keep every hit and calls a
categorizer per document.  Instead each facet's values become integer codes per
docnum, once per reader, and a query's counts are one ``bincount`` over the codes
its match mask selects (docsets.py): no Python loop however many documents match.
"""

from __future__ import annotations

import threading
from functools import cached_property
from typing import Any

import numpy as np

from .columns import ColumnView, per_segment
from .docsets import live_mask

FACETS = ("outlet", "date", "entity", "story")
TOP = 30


class _Codes:
    """One single-valued facet as integer codes: ``values[codes[docnum]]``."""

    def __init__(self, column: list[str]) -> None:
        index: dict[str, int] = {"": 0}
        self.codes = np.fromiter(
            (index.setdefault(v, len(index)) for v in column), dtype=np.int32, count=len(column)
        )
        self.values = list(index)
        self.rank = _ranks(self.values)

    def count(self, mask: np.ndarray | None, top: int | None = None) -> list[tuple[str, int]]:
        codes = self.codes if mask is None else self.codes[mask]
        counts = np.bincount(codes, minlength=len(self.values))
        counts[0] = 0  # no value
        return _top(self.values, self.rank, counts, top)


class _MultiCodes:
    """A multi-valued facet (entities): every (docnum, code) pair, flattened."""

    def __init__(self, column: list[tuple[str, ...]]) -> None:
        index: dict[str, int] = {}
        docs: list[int] = []
        codes: list[int] = []
        for d, values in enumerate(column):
            for v in values:
                docs.append(d)
                codes.append(index.setdefault(v, len(index)))
        self.docs = np.array(docs, dtype=np.int64)
        self.codes = np.array(codes, dtype=np.int32)
        self.values = list(index)
        self.rank = _ranks(self.values)

    def count(self, mask: np.ndarray | None, top: int | None = None) -> list[tuple[str, int]]:
        codes = self.codes if mask is None else self.codes[mask[self.docs]]
        counts = np.bincount(codes, minlength=len(self.values))
        return _top(self.values, self.rank, counts, top)


def _top(
    values: list[str], rank: np.ndarray, counts: np.ndarray, top: int | None
) -> list[tuple[str, int]]:
    """(value, count) for the ``top`` highest counts, ties by value (``rank`` is each
    value's place in sorted order), or every non-zero count; selected in NumPy, so a
    facet with 100k distinct values (one story per article) costs no Python loop."""
    chosen = np.flatnonzero(counts)
    if top is not None and len(chosen) > top:
        c = counts[chosen]
        kth = np.partition(c, len(c) - top)[len(c) - top]
        above = chosen[c > kth]
        tied = chosen[c == kth]
        room = top - len(above)
        if len(tied) > room:
            tied = tied[np.argpartition(rank[tied], room - 1)[:room]] if room > 0 else tied[:0]
        chosen = np.concatenate([above, tied])
    pairs = [(values[i], int(counts[i])) for i in chosen]
    pairs.sort(key=lambda kv: (-kv[1], kv[0]))
    return pairs


def _ranks(values: list[str]) -> np.ndarray:
    rank = np.empty(len(values), dtype=np.int64)
    rank[sorted(range(len(values)), key=values.__getitem__)] = np.arange(len(values))
    return rank


class _Columns:
    """Per-document facet values for one reader, each built on first use: the empty
    query only needs the dates (newest first), and reading every outlet, story and
    entity of 100k documents would delay the first screen by seconds."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._n = reader.doc_count_all()
        dates = column_values(reader, "sortdate", self._n, numeric=True)
        self.dates = np.array(dates, dtype=np.int64)
        self.live = live_mask(reader)
        # live docnums, newest first (undated last): the empty query and date sorting.
        # Same-day ties go by content hash, not docnum or id: docnums follow the order
        # files were indexed in and ids derive from paths, both differ between machines.
        hashes = np.array(column_values(reader, "hash", self._n, raw=True), dtype=bytes)
        order = np.lexsort((np.arange(self._n), hashes, -self.dates))
        self.newest_first = order[self.live[order]]
        self.all_facets: dict[str, list[tuple[str, int]]] | None = None

    @cached_property
    def outlet(self) -> _Codes:
        return _Codes(column_values(self._reader, "outlet", self._n))

    @cached_property
    def story(self) -> _Codes:
        return _Codes(column_values(self._reader, "story", self._n))

    @cached_property
    def month(self) -> _Codes:
        return _Codes([f"{d // 10000:04d}-{d // 100 % 100:02d}" if d else "" for d in self.dates])

    @cached_property
    def entity(self) -> _MultiCodes:
        values = column_values(self._reader, "entity", self._n)
        return _MultiCodes([tuple(e for e in v.split(",") if e) if v else () for v in values])


def column_values(reader: Any, name: str, n: int, numeric: bool = False, raw: bool = False) -> list:
    """Decoded column values for every docnum (cached per segment, see columns.py);
    ``raw``: the stored bytes, undecoded (enough to sort by)."""

    def decode(leaf: Any) -> list:
        values = ColumnView(leaf, name, 0 if numeric else b"").values(leaf)
        if numeric:
            return [int(v) for v in values]
        if raw:
            return [v if isinstance(v, bytes) else b"" for v in values]
        return [v.decode("utf-8") if isinstance(v, bytes) else (v or "") for v in values]

    kind = "numeric" if numeric else "raw" if raw else "text"
    parts = per_segment(reader, f"column:{name}:{kind}", decode) or []
    return [v for part in parts for v in part]


_CACHE: dict[int, tuple[Any, _Columns]] = {}
_LOCK = threading.Lock()


def columns(reader: Any) -> _Columns:
    key = id(reader)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is reader:
            return hit[1]
    cols = _Columns(reader)
    with _LOCK:
        if len(_CACHE) > 4:
            _CACHE.clear()
        _CACHE[key] = (reader, cols)  # holding the reader keeps id() unique while cached
    return cols


def newest_first(reader: Any, docs: np.ndarray | None, limit: int) -> list[int]:
    """The ``limit`` newest live docnums, optionally only those in the ``docs`` mask."""
    order = columns(reader).newest_first
    if docs is not None:
        order = order[docs[order]]
    return [int(d) for d in order[:limit]]


def count(reader: Any, docs: np.ndarray | None, top: int = TOP) -> dict[str, list[tuple[str, int]]]:
    """facet -> [(value, count)], most frequent first (months newest first).

    ``docs`` is a mask of the documents to count (docsets.py); ``None`` means every
    live document, and that answer is cached per reader (it is the app's empty state).
    """
    cols = columns(reader)
    if docs is None:
        if cols.all_facets is None:
            cols.all_facets = count(reader, cols.live, top)
        return {k: list(v) for k, v in cols.all_facets.items()}
    return {
        "outlet": cols.outlet.count(docs, top),
        "entity": cols.entity.count(docs, top),
        "story": cols.story.count(docs, top),
        "date": sorted(cols.month.count(docs), reverse=True)[:top],
    }
