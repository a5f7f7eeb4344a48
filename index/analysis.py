"""A faster drop-in for Whoosh's stemming TEXT field at index time.

Whoosh analyses text through a chain of generators yielding one Token object per
word; at ~440 words an article that is most of the indexing time.  ``FastText``
produces byte-for-byte the same postings as ``TEXT(analyzer=StemmingAnalyzer(
stoplist=None))`` with one regex pass and a stem cache (a test checks parity), and
queries still go through the ordinary analyzer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import TEXT
from whoosh.lang.porter import stem

# Whoosh's tokenizers.default_pattern, its group made non-capturing (the same
# matches; ``findall`` returns whole words).
WORD = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*", re.UNICODE)

_STEMS: dict[str, str] = {}
_STEM_CACHE_MAX = 300_000


def stem_word(word: str) -> str:
    s = _STEMS.get(word)
    if s is None:
        if len(_STEMS) >= _STEM_CACHE_MAX:
            _STEMS.clear()
        s = _STEMS[word] = stem(word)
    return s


def stems_at(text: str) -> Iterator[tuple[str, int, int, int]]:
    """(stem, position, start char, end char) of every word, exactly as ``FastText``
    indexes them: snippets find a hit's matched words with it."""
    lookup = _STEMS.get
    for pos, m in enumerate(WORD.finditer(text)):
        w = m.group().lower()
        yield lookup(w) or stem_word(w), pos, m.start(), m.end()


def find_stems(text: str, stems: set[str]) -> list[tuple[str, int, int]]:
    """(stem, start, end) of the words of ``text`` whose stem is in ``stems``: the same
    words ``stems_at`` would give, found without stemming every word.

    Porter only rewrites a word's ending, so a word with stem ``s`` starts with
    ``s`` minus its last two letters ("day" -> "dai", "relational" -> "relat"); a
    case-blind regex for those prefixes at word starts picks the few candidates, and
    each is then stemmed to confirm.
    """
    if not stems:
        return []
    prefixes = sorted({st[: max(1, len(st) - 2)] for st in stems}, key=len, reverse=True)
    rx = _PREFIXES.get(tuple(prefixes))
    if rx is None:
        if len(_PREFIXES) > 256:
            _PREFIXES.clear()
        alternation = "|".join(re.escape(p) for p in prefixes)
        rx = _PREFIXES[tuple(prefixes)] = re.compile(rf"(?<![\w*.])(?:{alternation})", re.I)
    out = []
    last_end = -1
    for m in rx.finditer(text):
        if m.start() < last_end:
            continue
        word = WORD.match(text, m.start())
        if word is None:
            continue
        last_end = word.end()
        w = word.group().lower()
        st = _STEMS.get(w) or stem_word(w)
        if st in stems:
            out.append((st, word.start(), word.end()))
    return out


_PREFIXES: dict[tuple[str, ...], re.Pattern[str]] = {}


def analyzer() -> Any:
    """The query-time analyzer matching ``FastText`` (regex words, lowercase, Porter stem)."""
    return StemmingAnalyzer(stoplist=None)


class FastText(TEXT):
    """TEXT with positions and (optionally) characters, indexed in one tight loop."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(analyzer=analyzer(), **kwargs)

    def index(self, value, **kwargs):  # type: ignore[no-untyped-def]
        if not isinstance(value, str) or kwargs:
            yield from super().index(value, **kwargs)
            return
        fmt = self.format
        chars = fmt.__class__.__name__ == "Characters"
        if not chars and fmt.__class__.__name__ != "Positions":
            yield from super().index(value, **kwargs)
            return
        seen: dict[str, list] = {}
        lookup = _STEMS.get
        for pos, m in enumerate(WORD.finditer(value)):
            w = m.group().lower()
            s = lookup(w)
            if s is None:
                s = stem_word(w)
            entry = (pos, m.start(), m.end()) if chars else pos
            lst = seen.get(s)
            if lst is None:
                seen[s] = [entry]
            else:
                lst.append(entry)
        fb = fmt.field_boost
        encode = fmt.encode
        for word, entries in seen.items():
            n = len(entries)
            yield word.encode("utf-8"), n, float(n) * fb, encode(entries)
