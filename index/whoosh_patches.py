"""Targeted fixes for performance bugs in whoosh-reloaded 2.7.5 (applied once, on import).

1. ``W3PerDocReader._cached_reader`` caches column readers but not their absence, so
   while a segment is flushed every posting of a field without a length column (ID,
   KEYWORD) costs a ``stat`` of a missing file.  We remember the misses too.
2. Flushing a segment asks for the document's field length once per *posting*,
   each a seek+read in the lengths column; we read each (document, field) length
   once per flush.

3. Moving to the next block of a posting list reads the block header (a length,
   then a small pickled tuple) through ``pickle.load`` on the file object: dozens of
   tiny reads through the compound file's Python layers per block, a quarter of a
   cold search.  We read the header with one ``get`` and unpickle from memory.

4. Merging a segment (``add_reader``) walks ``iter_postings``, which lists the terms
   and then looks each one up again by hash for its postings: ~0.1 ms a term, two
   thirds of folding a few tiny segments (20k terms) into a commit.  We take each
   term's postings from the term info found by the same ordered pass.

5. Opening a segment reads its terms file's directory of 256 hash tables one
   16-byte read at a time through the compound file's Python layers: ~1.5 ms a
   segment, ~60 ms each time an index of 40 segments is opened (an update opens
   it several times).  We read the directory in one read.

6. A variable-length column without stored offsets derives them from the lengths
   in a Python loop, ~1 ms per 5,000-document segment each time a column (id,
   story, entity...) is opened; ``itertools.accumulate`` does it in C.

All leave results byte-for-byte unchanged; they only remove repeated work.
"""

from __future__ import annotations

import io
import os
import pickle
import struct
from array import array
from itertools import accumulate

from whoosh import columns, reading, writing
from whoosh.codec import whoosh3
from whoosh.filedb import filetables
from whoosh.system import _INT_SIZE, unpack_int
from whoosh.util.numeric import byte_to_length

_MISSING = object()


def _cached_reader(self, fieldname, column):  # type: ignore[no-untyped-def]
    readers = self._readers
    reader = readers.get(fieldname, _MISSING)
    if reader is _MISSING:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        readers[fieldname] = reader
    return reader


class _MemoLengths:
    """Wraps a per-document reader; memoises ``doc_field_length`` for one flush."""

    def __init__(self, pdr) -> None:  # type: ignore[no-untyped-def]
        self._pdr = pdr
        self._memo: dict[str, dict[int, int]] = {}

    def doc_field_length(self, docnum, fieldname, default=0):  # type: ignore[no-untyped-def]
        memo = self._memo.get(fieldname)
        if memo is None:
            memo = self._memo[fieldname] = {}
        n = memo.get(docnum)
        if n is None:
            n = memo[docnum] = self._pdr.doc_field_length(docnum, fieldname, default)
        return n

    def __getattr__(self, name):  # type: ignore[no-untyped-def]
        return getattr(self._pdr, name)


def _flush_segment(self):  # type: ignore[no-untyped-def]
    self.perdocwriter.close()
    pdr = self.per_document_reader() if self.codec.length_stats else None
    postings = self.pool.iter_postings()
    self.fieldwriter.add_postings(self.schema, _MemoLengths(pdr) if pdr else None, postings)
    self.fieldwriter.close()
    if pdr:
        pdr.close()


_HEADER_BYTES = 256  # a block's length and info tuple always fit (the tuple is ~40 bytes)
_original_goto = whoosh3.W3LeafMatcher._goto


def _goto(self, position):  # type: ignore[no-untyped-def]
    head = self._postfile.get(position, _HEADER_BYTES)
    buf = io.BytesIO(head)
    buf.seek(_INT_SIZE)
    try:
        info = pickle.load(buf)
    except Exception:  # noqa: BLE001 - an unexpected layout: Whoosh's own reader
        return _original_goto(self, position)
    self._data = self._ids = self._weights = self._values = None
    self._i = 0
    length = unpack_int(head[:_INT_SIZE])[0]
    self._lastblock = length < 0
    self._nextoffset = position + _INT_SIZE + abs(length)
    self._dataoffset = position + buf.tell()
    (
        self._blocklength,
        self._maxid,
        self._maxweight,
        self._compression,
        mnlen,
        mxlen,
    ) = info
    self._minlength = byte_to_length(mnlen)
    self._maxlength = byte_to_length(mxlen)


_original_iter_postings = reading.SegmentReader.iter_postings


def _iter_postings(self):  # type: ignore[no-untyped-def]
    terms = self._terms
    codec = getattr(terms, "_codec", None)
    if self.is_closed or codec is None or not hasattr(terms, "items"):
        yield from _original_iter_postings(self)
        return
    schema = self.schema
    deleted = self.deleted_docs_set
    for (fieldname, btext), info in terms.items():
        if fieldname not in schema:
            continue
        m = codec.postings_reader(
            terms._postfile, info, schema[fieldname].format, term=(fieldname, btext)
        )
        if isinstance(m, whoosh3.W3LeafMatcher):  # a block at a time
            while not m._atend:
                m._read_ids()
                m._read_weights()
                m._read_values()
                ids, weights, values = m._ids, m._weights, m._values
                if not (len(ids) == len(weights) == len(values)):
                    break  # not a layout we know: Whoosh's own walk below
                for docnum, weight, value in zip(ids, weights, values, strict=True):
                    if docnum not in deleted:
                        yield (fieldname, btext, docnum, weight, value)
                if m._lastblock:
                    m._atend = True
                    break
                m._next_block()
            if m._atend:
                continue
        while m.is_active():
            docnum = m.id()
            if docnum not in deleted:
                yield (fieldname, btext, docnum, m.weight(), m.value())
            m.next()


_original_hash_reader_init = filetables.HashReader.__init__


def _hash_reader_init(self, dbfile, length=None, magic=b"HSH3", startoffset=0):  # type: ignore[no-untyped-def]
    """``HashReader.__init__`` with the hash-table directory read in one piece."""
    self.dbfile = dbfile
    self.startoffset = startoffset
    self.is_closed = False
    if length is None:
        dbfile.seek(0, os.SEEK_END)
        length = dbfile.tell() - startoffset
    dbfile.seek(startoffset)
    filemagic = dbfile.read(4)
    if filemagic != magic:
        raise filetables.FileFormatError(f"Unknown file header {filemagic!r}")
    self.hashtype = dbfile.read_byte()
    self.hashfn = filetables._hash_functions[self.hashtype]
    dbfile.read_int()  # unused future expansion bits
    dbfile.read_int()
    self.startofdata = dbfile.tell()
    exptr = startoffset + length - _INT_SIZE
    exlen = dbfile.get_int(exptr)
    expos = exptr - exlen
    dbfile.seek(expos)
    self._read_extras()
    dbfile.seek(expos - filetables._directory_size)
    directory = dbfile.read(filetables._directory_size)
    self.tables = list(filetables._dir_entry.iter_unpack(directory))
    self.endofdata = self.tables[0][0]


_original_read_offsets_and_lengths = columns.VarBytesColumn.Reader._read_offsets_and_lengths


def _read_offsets_and_lengths(self):  # type: ignore[no-untyped-def]
    """``VarBytesColumn.Reader._read_offsets_and_lengths`` with derived offsets summed in C."""
    dbfile = self._dbfile
    doccount = self._doccount
    lastbyte = self._basepos + self._length - 1
    lens_code = chr(dbfile.get_byte(lastbyte))
    offsets = None
    if lens_code == "X":
        self.had_stored_offsets = True
        lens_code = chr(dbfile.get_byte(lastbyte - 2))
        offsets_code = chr(dbfile.get_byte(lastbyte - 1))
        offsetstart = (lastbyte - 2) - doccount * struct.calcsize(offsets_code)
        offsets = dbfile.get_array(offsetstart, offsets_code, doccount)
        lastbyte = offsetstart
    lenstart = lastbyte - struct.calcsize(lens_code) * doccount
    lengths = dbfile.get_array(lenstart, lens_code, doccount)
    if offsets is None:
        offsets = array("L", accumulate(lengths, initial=0))
        del offsets[-1]
    self._offsets = offsets
    self._lengths = lengths


def apply() -> None:
    if getattr(whoosh3.W3PerDocReader, "_reader_patched", False):
        return
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    whoosh3.W3PerDocReader._reader_patched = True
    writing.SegmentWriter._flush_segment = _flush_segment
    whoosh3.W3LeafMatcher._goto = _goto
    reading.SegmentReader.iter_postings = _iter_postings
    filetables.HashReader.__init__ = _hash_reader_init
    columns.VarBytesColumn.Reader._read_offsets_and_lengths = _read_offsets_and_lengths


apply()
