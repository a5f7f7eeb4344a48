"""Per-document column values across segments, robust to segments without the column.

whoosh-reloaded's ``MultiReader.column_reader`` silently skips segments that lack a
column (no document in that segment had a value), which shifts every later docnum.
``ColumnView`` maps a global docnum to its own segment instead.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any


class ColumnView:
    def __init__(self, reader: Any, name: str, default: Any = b"") -> None:
        self.default = default
        self._offsets: list[int] = []
        self._columns: list[Any] = []
        leaves = reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]
        for leaf, offset in leaves:
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
        leaves = reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]
        for (leaf, _), col in zip(leaves, self._columns, strict=True):
            out.extend(list(col) if col is not None else [self.default] * leaf.doc_count_all())
        return out
