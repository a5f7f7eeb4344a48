"""Bulk postings for a worker segment's other indexed fields: ids, outlet, entities, dates.

Whoosh analyses every value through a chain of generators and a Token object per
term, hands each posting to its pool, and at the end passes each one through four
calls of the field writer: ~40% of writing a segment, for ~35 postings an article.
Here each distinct value is analysed once per chunk (dates, outlets and stories
repeat), the schema's own field types directly (``analyser``: the same terms,
frequencies, weights and values as ``field.index``); a document costs two appends
per field, and at the end its postings are expanded, sorted and encoded with NumPy
like the text fields' (``blocks.TermWriter``).

Only for a worker's segment writer (bulk.py); test_bulk checks each direct analysis
against ``field.index``, and a whole segment against one Whoosh wrote.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from typing import Any

import numpy as np
from whoosh.analysis import IDTokenizer, LowercaseFilter, RegexTokenizer, StripFilter
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC
from whoosh.formats import Existence, Frequency
from whoosh.system import pack_uint

from .blocks import TermWriter, encode_values, term_order

# what ``field.index`` yields: (term bytes, frequency, weight, encoded value)
Analysed = list[tuple[bytes, int, float, bytes]]


def analyser(field: Any) -> Callable[[Any], Analysed]:
    """``list(field.index(value))``, computed directly for the schema's plain ID fields,
    comma-separated lowercase KEYWORD fields and trie-indexed NUMERIC/DATETIME fields;
    other fields, and values of other types, go through Whoosh."""

    def whoosh(value: Any) -> Analysed:
        return list(field.index(value))

    if type(field) is ID and type(field.analyzer) is IDTokenizer:
        if type(field.format) is Existence:
            boost = field.format.field_boost

            def ident(value: Any) -> Analysed:  # the whole string is the one term
                if type(value) is not str:
                    return whoosh(value)
                return [(value.encode("utf-8"), 1, boost, b"")]

            return ident

    if type(field) is KEYWORD and type(field.format) is Frequency and _comma_lowercase(field):
        boost = field.format.field_boost

        def names(value: Any) -> Analysed:  # each run between commas, stripped, lowercased
            if type(value) is not str:
                return whoosh(value)
            counts: dict[str, int] = {}
            for run in value.split(","):
                if run:  # RegexTokenizer("[^,]+") matches only non-empty runs
                    name = run.strip().lower()
                    counts[name] = counts.get(name, 0) + 1
            return [
                (n.encode("utf-8"), c, float(c) * boost, pack_uint(c)) for n, c in counts.items()
            ]

        return names

    if type(field) in (NUMERIC, DATETIME) and field.shift_step:
        shifts = range(field.shift_step, field.bits, field.shift_step)
        to_bytes = field.to_bytes
        shifted = field.sortable_to_bytes

        def trie(value: Any) -> Analysed:  # convert the value once, not once per shift
            if isinstance(value, (bytes, list, tuple)):
                return whoosh(value)
            first = to_bytes(value)
            x = int.from_bytes(first[1:], "big")  # the sortable value (unsigned, big-endian)
            return [(first, 1, 1.0, b"")] + [(shifted(x, s), 1, 1.0, b"") for s in shifts]

        return trie

    return whoosh


def _comma_lowercase(field: Any) -> bool:
    """Whether the field's analyzer is exactly KeywordAnalyzer(lowercase=True, commas=True)."""
    items = getattr(field.analyzer, "items", None)
    return (
        items is not None
        and [type(item) for item in items] == [RegexTokenizer, StripFilter, LowercaseFilter]
        and items[0].expression.pattern == "[^,]+"
        and not items[0].gaps
    )


class KeyPostings:
    """Every posting of one field, kept as two appends a document: its docnum and the
    id of its value.  Each distinct value is analysed once, its terms and posting
    data (weight, encoded value) kept as ids in flat tables; ``write`` expands the
    documents into postings and sorts them with NumPy."""

    def __init__(self, field: Any) -> None:
        self.field = field
        self._analyse = analyser(field)
        self._value_ids: dict[Any, int] = {}
        self._docs = array("i")  # per document added: docnum
        self._values = array("i")  # ... and value id
        # per value id: where its postings start in the flat tables, how many, field length
        self._start = array("i")
        self._count = array("i")
        self._length = array("i")
        self._terms = array("i")  # flat: each value's term ids
        self._data = array("i")  # flat: each value's posting data ids
        self._term_ids: dict[bytes, int] = {}
        self._data_ids: dict[tuple[float, bytes], int] = {}

    def add(self, docnum: int, value: Any) -> int:
        """Add a document's value; returns its field length (0 unless scorable)."""
        try:  # 1, 1.0 and True are different values here
            key: Any = value if type(value) is str else (type(value), value)
            vid = self._value_ids.get(key)
        except TypeError:  # unhashable: a list of values
            key = vid = None
        if vid is None:
            vid = self._new_value(value)
            if key is not None:
                self._value_ids[key] = vid
        self._docs.append(docnum)
        self._values.append(vid)
        return self._length[vid]

    def _new_value(self, value: Any) -> int:
        analysed = self._analyse(value)  # all of it before anything is kept
        vid = len(self._start)
        self._start.append(len(self._terms))
        self._count.append(len(analysed))
        self._length.append(sum(f for _, f, _, _ in analysed) if self.field.scorable else 0)
        term_ids, data_ids = self._term_ids, self._data_ids
        for tbytes, _, weight, vbytes in analysed:
            self._terms.append(term_ids.setdefault(tbytes, len(term_ids)))
            self._data.append(data_ids.setdefault((weight, vbytes), len(data_ids)))
        return vid

    def postings(self) -> int:
        """How many postings the field has."""
        if not self._values:
            return 0
        values = np.frombuffer(self._values, np.int32)
        return int(np.frombuffer(self._count, np.int32)[values].sum())

    def write(self, fw: Any, name: str) -> None:
        """Every posting into the field writer, in Whoosh's order (term bytes, then
        docnum)."""
        out = TermWriter(fw, name, self.field)
        vids = np.frombuffer(self._values, np.int32)
        counts = np.frombuffer(self._count, np.int32)[vids]
        ends = np.cumsum(counts)
        # each posting's place in the flat tables: its value's start, plus its index there
        first = np.frombuffer(self._start, np.int32)[vids]
        at = np.repeat(first - (ends - counts), counts) + np.arange(ends[-1])
        post_doc = np.repeat(np.frombuffer(self._docs, np.int32), counts)
        post_len = np.repeat(np.frombuffer(self._length, np.int32)[vids], counts)
        post_term = np.frombuffer(self._terms, np.int32)[at]
        post_data = np.frombuffer(self._data, np.int32)[at]

        rank, ordered = term_order(list(self._term_ids))
        post_rank = rank[post_term]
        order = np.argsort(post_rank, kind="stable")  # postings came in docnum order
        post_rank, post_doc, post_len, post_data = (
            post_rank[order],
            post_doc[order],
            post_len[order],
            post_data[order],
        )

        data = list(self._data_ids)
        weights = np.array([w for w, _ in data], dtype=np.float32)[post_data]
        values = [v for _, v in data]
        fixed = self.field.format.fixed_value_size()
        if fixed == 0 or not any(values):
            part_b = _no_values
        elif fixed and all(len(v) == fixed for v in values):
            table = np.frombuffer(b"".join(values), dtype=np.uint8).reshape(len(values), fixed)
            packed = table[post_data].tobytes()

            def part_b(b: int, x: int, y: int) -> bytes:
                return packed[x * fixed : y * fixed]
        else:

            def part_b(b: int, x: int, y: int) -> bytes:
                block = [values[d] for d in post_data[x:y].tolist()]
                return encode_values([v for v in block if v], fixed)  # Whoosh keeps no empty ones

        block_start = out.block_starts(post_rank)
        out.write_postings(
            ordered, post_rank, post_doc, weights, post_len, block_start, part_b, False
        )
        out.close()


def _no_values(b: int, x: int, y: int) -> bytes:
    return b""
