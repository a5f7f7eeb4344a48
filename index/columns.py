"""Per-document column values across segments, robust to segments without the column.

whoosh-reloaded's ``MultiReader.column_reader`` silently skips segments that lack a
column (no document in that segment had a value), which shifts every later docnum.
``ColumnView`` maps a global docnum to its own segment instead.
"""

from __future__ import annotations

import contextlib
import threading
from bisect import bisect_right
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")


def leaves(reader: Any) -> list[tuple[Any, int]]:
    """(segment reader, first docnum) for each segment; a one-segment reader is its own."""
    return reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]


def segment_id(leaf: Any) -> str | None:
    """The id of ``leaf``'s segment, which keys every per-segment cache (remembered on
    the reader object: Whoosh formats it anew on every call); None without a segment."""
    found = getattr(leaf, "_reader_segment_id", _UNSET)
    if found is _UNSET:
        segment = leaf.segment() if hasattr(leaf, "segment") else None
        found = segment.segment_id() if segment is not None else None
        with contextlib.suppress(AttributeError):
            leaf._reader_segment_id = found
    return found


_UNSET = object()


class ColumnView:
    def __init__(self, reader: Any, name: str, default: Any = b"") -> None:
        self.default = default
        self._offsets: list[int] = []
        self._columns: list[Any] = []
        for leaf, offset in leaves(reader):
            self._offsets.append(offset)
            self._columns.append(
                leaf.column_reader(name, translate=False) if leaf.has_column(name) else None
            )

    def __getitem__(self, docnum: int) -> Any:
        i = bisect_right(self._offsets, docnum) - 1
        col = self._columns[i]
        return self.default if col is None else col[docnum - self._offsets[i]]

    def text(self, docnum: int) -> str:
        value = self[docnum]
        return value.decode("utf-8") if isinstance(value, bytes) else str(value or "")

    def values(self, reader: Any) -> list[Any]:
        """Every docnum's value in order (deleted documents included)."""
        out: list[Any] = []
        for (leaf, _), col in zip(leaves(reader), self._columns, strict=True):
            if col is None:
                out.extend([self.default] * leaf.doc_count_all())
            else:
                out.extend(_bulk(col) or list(col))
        return out


def _bulk(col: Any) -> list[Any] | None:
    """A whole column in one read, for the two column types the schema uses.

    Whoosh's readers fetch one value per call (a seek and a read each): ~1.2 s for
    the dates and hashes of 100k documents, which the first screen waits for.
    None for any other column type (the caller iterates instead).
    """
    from whoosh.columns import NumericColumn, VarBytesColumn

    try:
        if type(col) is NumericColumn.Reader:
            dtype = np.dtype(">" + col._typecode)
            if dtype.itemsize != col._fixedlen:
                return None
            count = min(col._count, col._doccount)
            data = col._dbfile.get(col._basepos, count * col._fixedlen)
            values = np.frombuffer(data, dtype=dtype).tolist()
            return values + [col._default] * (col._doccount - count)
        if type(col) is VarBytesColumn.Reader:
            lengths = col._lengths
            data = col._dbfile.get(col._basepos, sum(lengths))
            out, pos = [], 0
            for length in lengths:
                out.append(data[pos : pos + length])
                pos += length
            return out
    except (AttributeError, TypeError, ValueError):
        return None
    return None


_PER_SEGMENT: dict[tuple[str, str], Any] = {}
_PER_SEGMENT_LOCK = threading.Lock()


def per_segment(reader: Any, name: str, compute: Callable[[Any], T | None]) -> list[T] | None:
    """``compute(segment reader)`` for every segment of ``reader``, cached by segment
    id and ``name``: segments never change (deletions only hide docnums), so after a
    commit only new segments are computed.  None if ``compute`` gives None for one."""
    out: list[T] = []
    for leaf, _offset in leaves(reader):
        segment = segment_id(leaf)
        key = (segment, name) if segment is not None else None
        with _PER_SEGMENT_LOCK:
            value = _PER_SEGMENT.get(key) if key else None
        if value is None:
            value = compute(leaf)
            if value is None:
                return None
            if key:
                with _PER_SEGMENT_LOCK:
                    if len(_PER_SEGMENT) > 4000:
                        _PER_SEGMENT.clear()
                    _PER_SEGMENT[key] = value
        out.append(value)
    return out
