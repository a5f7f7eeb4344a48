"""Facet counts (outlet, month, entity, story) over every document a query matches.

Whoosh's ``groupedby`` makes the top-N collector keep every hit and calls a
categorizer per document; counting over column values cached per reader is
several times faster and leaves the scored search free to stop early.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from itertools import chain
from typing import Any

from .columns import ColumnView

FACETS = ("outlet", "date", "entity", "story")
TOP = 30


class _Columns:
    """Per-document facet values for one reader (built once, on the first search)."""

    def __init__(self, reader: Any) -> None:
        n = reader.doc_count_all()
        self.outlet = _column(reader, "outlet", n)
        self.story = _column(reader, "story", n)
        self.dates = dates = _column(reader, "sortdate", n, numeric=True)
        self.month = [f"{d // 10000:04d}-{d // 100 % 100:02d}" if d else "" for d in dates]
        self.entity = [
            tuple(e for e in v.split(",") if e) if v else () for v in _column(reader, "entity", n)
        ]
        live = list(reader.all_doc_ids())
        # live docnums, newest first (undated last): the empty query and date sorting
        self.newest_first = sorted(live, key=lambda d: (dates[d], d), reverse=True)
        self.all_facets: dict[str, list[tuple[str, int]]] | None = None


_SEGMENT_VALUES: dict[tuple[str, str], list] = {}
_SEGMENT_LOCK = threading.Lock()


def _column(reader: Any, name: str, n: int, numeric: bool = False) -> list:
    """Decoded column values for every docnum, cached per segment.

    Segments never change (deletions aside, which only hide docnums), so after a
    commit only the new segments are read again.
    """
    out: list = []
    leaves = reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]
    for leaf, _offset in leaves:
        segment = leaf.segment() if hasattr(leaf, "segment") else None
        key = (segment.segment_id(), name) if segment is not None else None
        with _SEGMENT_LOCK:
            values = _SEGMENT_VALUES.get(key) if key else None
        if values is None:
            raw = ColumnView(leaf, name, 0 if numeric else b"").values(leaf)
            if numeric:
                values = [int(v) for v in raw]
            else:
                values = [v.decode("utf-8") if isinstance(v, bytes) else (v or "") for v in raw]
            if key:
                with _SEGMENT_LOCK:
                    if len(_SEGMENT_VALUES) > 2000:
                        _SEGMENT_VALUES.clear()
                    _SEGMENT_VALUES[key] = values
        out.extend(values)
    return out


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


def newest_first(reader: Any, docs: Iterable[int] | None, limit: int) -> list[int]:
    """The ``limit`` newest live docnums, optionally only those in ``docs``."""
    order = columns(reader).newest_first
    if docs is None:
        return order[:limit]
    wanted = docs if isinstance(docs, (set, frozenset)) else set(docs)
    out = []
    for d in order:
        if d in wanted:
            out.append(d)
            if len(out) == limit:
                break
    return out


def count(
    reader: Any, docnums: Iterable[int] | None, top: int = TOP
) -> dict[str, list[tuple[str, int]]]:
    """facet -> [(value, count)], most frequent first (months newest first).

    ``docnums=None`` means every live document; that answer is cached per reader
    (it is the app's empty state).
    """
    cols = columns(reader)
    if docnums is None:
        if cols.all_facets is None:
            cols.all_facets = count(reader, cols.newest_first, top)
        return {k: list(v) for k, v in cols.all_facets.items()}
    docs = docnums if isinstance(docnums, (list, tuple, set, frozenset)) else list(docnums)
    # map() over list.__getitem__ keeps the per-document loop in C
    outlet = Counter(map(cols.outlet.__getitem__, docs))
    story = Counter(map(cols.story.__getitem__, docs))
    month = Counter(map(cols.month.__getitem__, docs))
    entity = Counter(chain.from_iterable(map(cols.entity.__getitem__, docs)))
    out: dict[str, list[tuple[str, int]]] = {}
    for name, counter in (("outlet", outlet), ("entity", entity), ("story", story)):
        counter.pop("", None)
        out[name] = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    month.pop("", None)
    out["date"] = sorted(month.items(), reverse=True)[:top]
    return out
