"""Bytes -> text for article files, and the "is this even text?" check.

Order: a BOM decides (UTF-8/16/32); binary data is refused; strict UTF-8; an
encoding declared by the file itself (HTML ``<meta charset>``, XML prolog); UTF-8
with the odd stray byte read as cp1252 (files pasted together from two sources);
otherwise a legacy 8-bit file: cp1252 for mostly-ASCII Western text, and
charset_normalizer for text that is mostly high bytes (Cyrillic, Greek, CJK legacy
encodings), where reading cp1252 would produce pure mojibake.  Stray NUL bytes
are dropped.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from .formats.base import LoadError

SNIFF_BYTES = 8192

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or .docx/.epub)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Office document (.doc/.xls)"),
    (b"\x00asm", "WebAssembly module"),
    (b"\xca\xfe\xba\xbe", "compiled program"),
)

# Control bytes that never occur in text (tab, newlines, form feed, ESC are excluded).
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 27), *range(28, 32), 127])
_UTF8_MULTI = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_HIGH = re.compile(rb"[\x80-\xff]")
_DECLARED = re.compile(
    rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([\w.:-]{1,40})["']"""
    rb"""|<meta[^>]{0,300}?charset\s*=\s*["']?([\w.:-]{1,40})""",
    re.I,
)
# WHATWG: pages that say Latin-1/ASCII are really read as windows-1252.
_ALIASES = {"iso8859_1": "cp1252", "latin_1": "cp1252", "ascii": "cp1252"}


def _stray_as_cp1252(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return bad.decode("cp1252", errors="replace"), exc.end


codecs.register_error("index-cp1252-fallback", _stray_as_cp1252)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # what was used, e.g. "utf-8", "utf-16-le (BOM)", "utf-8 + cp1252"


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) when ``data`` starts with a Unicode byte-order mark."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    return None


def binary_kind(data: bytes) -> str | None:
    """None for text; otherwise what the bytes look like ("PNG image", "binary data").

    Only the first ``SNIFF_BYTES`` are examined.  UTF-16/32 text is text even
    though it is full of NULs.
    """
    if not data or bom_encoding(data) or _utf16_without_bom(data):
        return None
    sample = data[:SNIFF_BYTES]
    for signature, kind in _MAGIC:
        if sample.startswith(signature):
            return kind
    if sample.count(0) == len(sample):
        return "only NUL bytes"
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    ratio = controls / len(sample)
    if sample.count(0) / len(sample) > 0.10:
        return "binary data"
    limit = 0.30 if _valid_utf8(sample) else 0.05
    return "binary data" if ratio > limit else None


def declared_charset(data: bytes) -> str | None:
    """The Python codec named by an XML prolog or HTML ``<meta charset>`` near the start."""
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii", "ignore")
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return _ALIASES.get(codec.replace("-", "_"), codec)


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode a file's bytes; raises ``LoadError`` for binary data."""
    bom = bom_encoding(data)
    if bom:
        codec, skip = bom
        return _done(data[skip:].decode(codec, errors="replace"), f"{codec} (BOM)")
    kind = binary_kind(data)
    if kind:
        label = "binary file (not text)"
        raise LoadError(label if kind == "binary data" else f"{label}: looks like a {kind}")
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _done(data.decode(utf16, errors="replace"), utf16)
    try:
        return _done(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if declared and declared not in ("utf_8", "utf-8"):
        return _done(data.decode(declared, errors="replace"), f"{declared} (declared)")
    high = len(_HIGH.findall(data))
    multi = len(_UTF8_MULTI.findall(data))
    utf8_bytes = len(b"".join(_UTF8_MULTI.findall(data))) if multi else 0
    if multi and utf8_bytes >= high - utf8_bytes:
        text = data.decode("utf-8", errors="index-cp1252-fallback")
        return _done(text, "utf-8 + cp1252")
    letters = len(data) - data.count(b" ") - data.count(b"\n")
    if high >= 20 and high / max(letters, 1) > 0.30:  # too little evidence below that
        guess = _guess_legacy(data)
        if guess:
            return _done(data.decode(guess, errors="replace"), f"{guess} (detected)")
    return _done(data.decode("cp1252", errors="index-cp1252-fallback"), "cp1252")


def _done(text: str, encoding: str) -> Decoded:
    if "\x00" in text:
        text = text.replace("\x00", "")
    return Decoded(text, encoding)


def _valid_utf8(sample: bytes) -> bool:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:  # a sequence cut at the sample's end is fine
        return exc.reason == "unexpected end of data" and exc.start >= len(sample) - 3
    return True


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the bytes look like BOM-less UTF-16 (mostly ASCII text)."""
    sample = data[: SNIFF_BYTES & ~1]
    half = len(sample) // 2
    if half < 8:
        return None
    even = sample[0::2].count(0) / half
    odd = sample[1::2].count(0) / half
    if odd > 0.4 and even < 0.05:
        codec = "utf-16-le"
    elif even > 0.4 and odd < 0.05:
        codec = "utf-16-be"
    else:
        return None
    try:
        sample.decode(codec)
    except UnicodeDecodeError:
        return None
    return codec


def _guess_legacy(data: bytes) -> str | None:
    """charset_normalizer's best guess for a non-UTF-8, mostly non-ASCII file."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - it ships with trafilatura
        return None
    best = from_bytes(data[:262144]).best()
    if best is None or best.encoding.replace("-", "_").startswith("utf"):
        return None
    return best.encoding
