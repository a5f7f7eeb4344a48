"""Posting blocks that keep ids and weights apart from positions.

Whoosh's own codec pickles each block of up to 128 postings as one tuple
``(ids, weights, values)``, so finding which documents hold a term also
unpickles every posting's encoded positions and character offsets: ~70 µs a
block, most of a cold ``prefix*`` search that expands to hundreds of terms.

This codec writes the same postings with a fixed binary header and two
separately compressed parts: (a) delta-coded ids and weights as packed arrays,
(b) the values.  Matching and ranking read only (a); phrases and highlighting
read (b) for the blocks they need.  Everything else (terms, columns, stored
fields, term vectors, segment merging) is Whoosh's ``W3Codec`` unchanged, and
segments written by the stock codec stay readable, each by its own codec.
"""

from __future__ import annotations

import pickle
import struct
import sys
import zlib
from array import array
from collections.abc import Callable
from itertools import accumulate, pairwise
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import (
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3LeafMatcher,
    W3PostingsWriter,
    W3TermInfo,
)
from whoosh.filedb.filetables import _lengths as _ROW  # a term row's key and value sizes
from whoosh.system import pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

# postings, last id, max weight, flags, min/max length bytes, id width, weight mode,
# bytes of part (a), bytes of part (b)
_HEAD = struct.Struct("<IIfBBBBBII")
_LAST, _ZIP_A, _ZIP_B, _PACKED = 1, 2, 4, 8  # _PACKED: values as arrays (bulk.py)
_ID_CODES = ("B", "H", "I")  # delta width: 1, 2 or 4 bytes
_ID_DTYPES = (np.dtype("<u1"), np.dtype("<u2"), np.dtype("<u4"))
ALL_ONE, ALL_SAME, EACH = 0, 1, 2  # weight modes
FLOAT = struct.Struct("<f")
_COUNT = struct.Struct("<I")
_MIN_ZIP = 48  # parts smaller than this are stored as they are
_SWAP = sys.byteorder == "big"  # arrays are stored little-endian


def _packed(values: array) -> bytes:
    if _SWAP:
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def _unpacked(typecode: str, data: bytes) -> array:
    values = array(typecode)
    values.frombytes(data)
    if _SWAP:
        values.byteswap()
    return values


def _zipped(data: bytes, level: int, flag: int) -> tuple[bytes, int]:
    if level and len(data) >= _MIN_ZIP:
        return zlib.compress(data, level), flag
    return data, 0


def encode_block(
    ids: Any, weights: array, values: list[bytes], fixed: int | None
) -> tuple[int, int, bytes, bytes]:
    """One block's (id width code, weight mode, part (a), part (b)): ``values`` are its
    postings' non-empty values (Whoosh keeps no empty ones), ``fixed`` the format's
    fixed value size."""
    deltas = [ids[0]]
    deltas += [b - a for a, b in pairwise(ids)]
    top = max(deltas)
    code = 0 if top < 0x100 else 1 if top < 0x10000 else 2
    part_a = _packed(array(_ID_CODES[code], deltas))

    first = weights[0]
    if weights.count(first) == len(weights):
        mode = ALL_ONE if first == 1.0 else ALL_SAME
        if mode == ALL_SAME:
            part_a += FLOAT.pack(first)
    else:
        mode = EACH
        part_a += _packed(weights)

    return code, mode, part_a, encode_values(values, fixed)


def encode_values(values: list[bytes], fixed: int | None) -> bytes:
    """A block's part (b): its postings' non-empty values, ``fixed`` the format's fixed
    value size."""
    if not values or fixed == 0:
        return b""
    if fixed is not None and fixed > 0:
        return b"".join(values)
    sizes = array("I", [len(v) for v in values])
    return _COUNT.pack(len(values)) + _packed(sizes) + b"".join(values)


def block_bytes(
    head: tuple[int, int, float, int],
    lengths: tuple[int | None, int],
    code: int,
    mode: int,
    part_a: bytes,
    part_b: bytes,
    level: int,
) -> bytes:
    """One block as written: ``head`` is (postings, last id, max weight, flags),
    ``lengths`` the (min, max) field lengths of its documents."""
    count, last_id, maxweight, flags = head
    part_a, zip_a = _zipped(part_a, level, _ZIP_A)
    part_b, zip_b = _zipped(part_b, level, _ZIP_B)
    return (
        _HEAD.pack(
            count,
            last_id,
            maxweight,
            flags | zip_a | zip_b,
            length_to_byte(lengths[0]),
            length_to_byte(lengths[1]),
            code,
            mode,
            len(part_a),
            len(part_b),
        )
        + part_a
        + part_b
    )


class SplitPostingsWriter(W3PostingsWriter):
    """Buffers postings like Whoosh's writer; writes each block in the split layout."""

    def _write_block(self, last: bool = False) -> None:
        self._terminfo.add_block(self)
        ids = self._ids
        fixed = self._format.fixed_value_size()
        code, mode, part_a, part_b = encode_block(ids, self._weights, self._values, fixed)
        head = (len(ids), ids[-1], self._maxweight, _LAST if last else 0)
        lengths = (self._minlength, self._maxlength)
        block = block_bytes(head, lengths, code, mode, part_a, part_b, self._compression)
        self._postfile.write(block if self._blockcount else WHOOSH3_HEADER_MAGIC + block)
        self._blockcount += 1
        self._new_block()


def term_order(texts: list[bytes]) -> tuple[np.ndarray, list[bytes]]:
    """Each term id's rank in Whoosh's term order (by bytes), and the terms by rank."""
    by_text = sorted(range(len(texts)), key=texts.__getitem__)
    rank = np.empty(len(texts), dtype=np.int32)
    rank[by_text] = np.arange(len(texts), dtype=np.int32)
    return rank, [texts[i] for i in by_text]


class TermWriter:
    """Writes one field's terms for bulk.py: whole blocks it encoded itself, gathered
    in memory and written to the postings and terms files in large pieces.

    Whoosh's writers tell and write the file for every block and write and hash each
    term's row in four more calls, ~10 µs a term; a 3,000-article chunk has ~45k
    terms.  The bytes written are the same (the rows as ``OrderedHashWriter.add``
    writes them)."""

    FLUSH_BYTES = 1 << 20

    def __init__(self, fw: Any, name: str, field: Any) -> None:
        fw.start_field(name, field)
        self._fw = fw
        self._postfile = fw._postwriter._postfile
        self._level = fw._postwriter._compression
        self.block_limit: int = fw._codec._blocklimit
        self._fieldid = pack_ushort(fw._fieldid)
        self._base = self._postfile.tell()
        self._out = bytearray()
        self._rows: list[tuple[bytes, bytes]] = []
        self._info: Any = None
        self._start = 0

    def add_block(
        self,
        stats: tuple[int, int, int, float, float, int | None, int],
        code: int,
        mode: int,
        part_a: bytes,
        part_b: bytes,
        last: bool,
        packed: bool,
    ) -> None:
        """One block of the current term: ``stats`` are (postings, first id, last id,
        max weight, total weight, min length, max length).  If ``packed``, ``part_b``
        holds positions packed: a byte of widths (bit 0: frequencies in 4 bytes, else
        2; bit 1: position deltas), each posting's frequency, then every position
        delta (from the posting's previous position, the first from 0); else it is
        ``encode_block``'s."""
        info = self._info
        if info is None:
            info = self._info = W3TermInfo()
            self._start = len(self._out)
            self._out += WHOOSH3_HEADER_MAGIC
        count, first_id, last_id, maxweight, weight, minlength, maxlength = stats
        info._weight += weight
        info._df += count
        info._minlength = minlength if info._minlength is None else min(info._minlength, minlength)
        info._maxlength = max(info._maxlength, maxlength)
        info._maxweight = max(info._maxweight, maxweight)
        if info._minid is None:
            info._minid = first_id
        info._maxid = last_id
        flags = (_LAST if last else 0) | (_PACKED if packed else 0)
        head = (count, last_id, maxweight, flags)
        lengths = (minlength, maxlength)
        self._out += block_bytes(head, lengths, code, mode, part_a, part_b, self._level)

    def block_starts(self, post_rank: np.ndarray) -> np.ndarray:
        """The first posting of each block, for postings sorted by (term rank, docnum):
        a block holds at most the codec's block size of one term's postings."""
        n = len(post_rank)
        term_first = np.ones(n, dtype=bool)
        term_first[1:] = post_rank[1:] != post_rank[:-1]
        term_start = np.flatnonzero(term_first)
        in_term = np.arange(n) - np.repeat(term_start, np.diff(np.append(term_start, n)))
        return np.flatnonzero(term_first | (in_term % self.block_limit == 0))

    def write_postings(
        self,
        texts: list[bytes],
        post_rank: np.ndarray,
        post_doc: np.ndarray,
        weights: np.ndarray,
        post_len: np.ndarray,
        block_start: np.ndarray,
        part_b: Callable[[int, int, int], bytes],
        packed: bool,
    ) -> None:
        """Every block of postings sorted by (term rank, docnum), ``block_start`` as
        ``block_starts`` gives: ``texts`` are the terms by rank, ``weights`` float32,
        ``post_len`` the documents' field lengths; ``part_b(b, x, y)`` is the part
        (b) of block ``b``, postings ``x`` to ``y``.  Ids and weights are encoded as
        ``encode_block`` encodes them, for all blocks at once."""
        n = len(post_doc)
        post_doc = post_doc.astype(np.int64)
        id_deltas = post_doc.copy()
        id_deltas[1:] -= post_doc[:-1]
        id_deltas[block_start] = post_doc[block_start]
        enc_ids = [id_deltas.astype(d).tobytes() for d in _ID_DTYPES]
        enc_weights = weights.astype("<f4").tobytes()
        top_id = np.maximum.reduceat(id_deltas, block_start).tolist()
        max_w = np.maximum.reduceat(weights, block_start).tolist()
        min_w = np.minimum.reduceat(weights, block_start).tolist()
        sum_w = np.add.reduceat(weights.astype(np.float64), block_start).tolist()
        min_len = np.minimum.reduceat(post_len, block_start).tolist()
        max_len = np.maximum.reduceat(post_len, block_start).tolist()
        bounds = np.append(block_start, n).tolist()
        first_ids = post_doc[block_start].tolist()
        last_ids = post_doc[np.append(block_start[1:], n) - 1].tolist()
        block_rank = post_rank[block_start].tolist()
        del id_deltas, post_doc

        for b in range(len(block_rank)):
            x, y = bounds[b], bounds[b + 1]
            code = 0 if top_id[b] < 0x100 else 1 if top_id[b] < 0x10000 else 2
            width = _ID_DTYPES[code].itemsize
            part_a = enc_ids[code][x * width : y * width]
            if min_w[b] != max_w[b]:
                mode = EACH
                part_a += enc_weights[4 * x : 4 * y]
            elif max_w[b] == 1.0:
                mode = ALL_ONE
            else:
                mode = ALL_SAME
                part_a += FLOAT.pack(max_w[b])
            last = b + 1 == len(block_rank) or block_rank[b + 1] != block_rank[b]
            stats = (y - x, first_ids[b], last_ids[b], max_w[b], sum_w[b], min_len[b], max_len[b])
            self.add_block(stats, code, mode, part_a, part_b(b, x, y), last, packed)
            if last:
                self.end_term(texts[block_rank[b]])

    def end_term(self, tbytes: bytes) -> None:
        info, self._info = self._info, None
        info.set_extent(self._base + self._start, len(self._out) - self._start)
        self._rows.append((self._fieldid + tbytes, info.to_bytes()))
        if len(self._out) >= self.FLUSH_BYTES:
            self._flush()

    def close(self) -> None:
        self._flush()
        self._fw.finish_field()

    def _flush(self) -> None:
        self._postfile.write(self._out)
        self._base += len(self._out)
        self._out = bytearray()
        tindex = self._fw._tindex  # an OrderedHashWriter
        pos = tindex.dbfile.tell()
        hashfn, buckets, index, last = tindex.hashfn, tindex.buckets, tindex.index, tindex.lastkey
        rows = []
        for key, value in self._rows:
            if key <= last:
                raise ValueError(f"Keys must increase: {last!r}..{key!r}")
            index.append(pos)
            h = hashfn(key)
            buckets[h & 255].append((h, pos))
            row = _ROW.pack(len(key), len(value)) + key + value
            rows.append(row)
            pos += len(row)
            last = key
        tindex.dbfile.write(b"".join(rows))
        tindex.lastkey = last
        self._rows = []


class SplitLeafMatcher(W3LeafMatcher):
    """Reads split blocks; ids and weights never touch the values part."""

    def _goto(self, position: int) -> None:
        (
            self._blocklength,
            self._maxid,
            self._maxweight,
            flags,
            minlength,
            maxlength,
            self._idcode,
            self._wmode,
            self._alen,
            self._blen,
        ) = _HEAD.unpack(self._postfile.get(position, _HEAD.size))
        self._data = self._ids = self._weights = self._values = self._positions = None
        self._i = 0
        self._compression = flags
        self._lastblock = bool(flags & _LAST)
        self._dataoffset = position + _HEAD.size
        self._nextoffset = self._dataoffset + self._alen + self._blen
        self._minlength = byte_to_length(minlength)
        self._maxlength = byte_to_length(maxlength)

    def _part_a(self) -> bytes:
        if self._data is None:
            data = self._postfile.get(self._dataoffset, self._alen)
            self._data = zlib.decompress(data) if self._compression & _ZIP_A else data
        return self._data

    def _read_ids(self) -> None:
        width = _ID_DTYPES[self._idcode].itemsize
        deltas = _unpacked(_ID_CODES[self._idcode], self._part_a()[: self._blocklength * width])
        self._ids = list(accumulate(deltas))

    def _read_weights(self) -> None:
        n = self._blocklength
        if self._wmode == ALL_ONE:
            self._weights = array("f", [1.0]) * n
            return
        data = self._part_a()[n * _ID_DTYPES[self._idcode].itemsize :]
        if self._wmode == ALL_SAME:
            self._weights = array("f", [FLOAT.unpack(data)[0]]) * n
        else:
            self._weights = _unpacked("f", data)

    def _part_b(self) -> bytes:
        data = self._postfile.get(self._dataoffset + self._alen, self._blen)
        return zlib.decompress(data) if self._compression & _ZIP_B else data

    def _packed_positions(self) -> list[tuple[int, list[int]]]:
        """(frequency, position deltas) of each posting of a packed block."""
        if self._positions is None:
            data = self._part_b()
            n, wide_f, wide_d = self._blocklength, data[0] & 1, data[0] >> 1 & 1
            freq = np.frombuffer(data, "<u4" if wide_f else "<u2", n, 1).tolist()
            deltas = np.frombuffer(data, "<u4" if wide_d else "<u2", -1, 1 + n * (2 << wide_f))
            deltas = deltas.tolist()
            out, at = [], 0
            for f in freq:
                out.append((f, deltas[at : at + f]))
                at += f
            self._positions = out
        return self._positions

    def positions_at(self, k: int) -> list[int]:
        """The positions of the current block's ``k``th posting."""
        if self._compression & _PACKED:
            return list(accumulate(self._packed_positions()[k][1]))
        if self._values is None:
            self._read_values()
        return self.format.decode_positions(self._values[k])

    def value_as(self, astype: str) -> Any:
        if self._compression & _PACKED and astype == "positions":
            return self.positions_at(self._i)
        return super().value_as(astype)

    def _read_values(self) -> None:
        n = self._blocklength
        fixed = self._fixedsize
        if self._compression & _PACKED:  # Whoosh's encoding, made on demand
            self._values = tuple(
                pack_uint(f) + pickle.dumps(d, 2) for f, d in self._packed_positions()
            )
            return
        if fixed == 0 or not self._blen:
            self._values = (None,) * n if fixed == 0 else ()
            return
        data = self._part_b()
        if fixed is not None and fixed > 0:
            self._values = tuple(data[i : i + fixed] for i in range(0, len(data), fixed))
            return
        (count,) = _COUNT.unpack_from(data)
        start = _COUNT.size + 4 * count
        out = []
        for size in _unpacked("I", data[_COUNT.size : start]):
            out.append(data[start : start + size])
            start += size
        self._values = tuple(out)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, weights) of the whole posting list from here on, as int64/float32 arrays,
        a block at a time without building a Python object per posting."""
        deltas: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        last_ids: list[int] = []
        while not self._atend:
            n = self._blocklength
            dtype = _ID_DTYPES[self._idcode]
            data = self._part_a()
            deltas.append(np.frombuffer(data, dtype=dtype, count=n))
            if self._wmode == ALL_ONE:
                weights.append(np.ones(n, dtype=np.float32))
            elif self._wmode == ALL_SAME:
                weights.append(
                    np.full(n, FLOAT.unpack_from(data, n * dtype.itemsize)[0], np.float32)
                )
            else:
                weights.append(np.frombuffer(data, dtype="<f4", count=n, offset=n * dtype.itemsize))
            last_ids.append(self._maxid)
            if self._lastblock:
                break
            self._next_block()
        if not deltas:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        ids = np.concatenate(deltas).astype(np.int64)
        # each block's first delta counts from 0: make it count from the previous block's last id
        starts = np.cumsum([len(d) for d in deltas[:-1]], dtype=np.int64)
        ids[starts] -= np.asarray(last_ids[:-1], dtype=np.int64)
        return np.cumsum(ids), np.concatenate(weights).astype(np.float32, copy=False)


class SplitCodec(W3Codec):
    """``W3Codec`` with split posting blocks (term vectors keep Whoosh's layout)."""

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        if byteids:
            return super().postings_writer(dbfile, byteids=True)
        return SplitPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(
        self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None
    ) -> Any:
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return SplitLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


def writer(ix: Any, **kwargs: Any) -> Any:
    """A Whoosh writer for ``ix`` whose new segments use the split codec."""
    return ix.writer(codec=SplitCodec(), **kwargs)
