"""An in-memory posting pool for the workers' segment writers.

Whoosh's ``PostingPool`` keeps every posting as a 5-tuple (~180 bytes), sorts them
all, and past its memory limit pickles sorted runs to disk and merges them back:
for a 5,000-article chunk that spill and sort were ~2.5 ms of CPU per article.
Here postings are grouped by term as they arrive, in packed arrays (~25 bytes a
posting), so a chunk stays in memory and only the distinct terms are sorted.
Documents are added in docnum order, so each term's postings already are too.

Only for writers whose size is bounded (one worker chunk, see build.py): nothing
here spills to disk.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import Any

Posting = tuple[str, bytes, int, float, bytes]


class _Term:
    __slots__ = ("docs", "weights", "values", "ends", "ordered")

    def __init__(self) -> None:
        self.docs = array("i")
        self.weights = array("d")
        self.values = bytearray()
        self.ends = array("I")
        self.ordered = True


class CompactPool:
    """Drop-in for ``whoosh.writing.PostingPool``: ``add``, ``iter_postings``,
    ``fieldnames`` and ``cleanup`` are all a ``SegmentWriter`` uses."""

    def __init__(self) -> None:
        self.fieldnames: set[str] = set()
        self._terms: dict[tuple[str, bytes], _Term] = {}

    def add(self, item: Posting) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        if docnum < 0:
            return  # Whoosh's marker for spelling-only words, which writers skip anyway
        key = (fieldname, tbytes)
        term = self._terms.get(key)
        if term is None:
            self.fieldnames.add(fieldname)
            term = self._terms[key] = _Term()
        elif docnum < term.docs[-1]:
            term.ordered = False
        term.docs.append(docnum)
        term.weights.append(weight)
        if vbytes:
            term.values += vbytes
        term.ends.append(len(term.values))

    def iter_postings(self, fieldname: str | None = None) -> Iterator[Posting]:
        """Every posting (of one field, if given) in Whoosh's order: field, term, docnum."""
        for key in sorted(k for k in self._terms if fieldname is None or k[0] == fieldname):
            term = self._terms[key]
            postings = self._postings(key, term)
            yield from postings if term.ordered else sorted(postings)

    @staticmethod
    def _postings(key: tuple[str, bytes], term: _Term) -> Iterator[Posting]:
        fieldname, tbytes = key
        values, start = bytes(term.values), 0
        for docnum, weight, end in zip(term.docs, term.weights, term.ends, strict=True):
            yield fieldname, tbytes, docnum, weight, values[start:end]
            start = end

    def cleanup(self) -> None:
        self._terms.clear()


def use_compact_pool(writer: Any) -> Any:
    """Give a fresh SegmentWriter the in-memory pool (before anything is added)."""
    writer.pool.cleanup()
    writer.pool = CompactPool()
    return writer
