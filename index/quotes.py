"""Quoted speech: find quoted spans and tell when two outlets quote the same words.

Outlets render one statement with different quote marks ("straight", “curly”,
‘single’) and often different wording (translation, tense, a clause cut), so quotes
are compared by their stemmed content words, not by exact text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .lexical import STOPWORDS, stem, tokenize

# Opening mark -> closing marks it pairs with.  Straight double quotes pair with
# themselves; a single ’ is also an apostrophe, so single quotes need word boundaries.
_PAIRS = {'"': '"', "“": '”"', "«": "»", "„": "“”"}
_ANY_MARK = re.compile("[\"“«„'‘]")
_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))['‘](?=\w)")
_SINGLE_CLOSE = re.compile(r"(?<=[\w.,!?])['’](?=$|[\s.,;:!?)\]—–-])")


@dataclass(frozen=True)
class Quote:
    """A quoted span; ``start``/``end`` cover the words inside the marks."""

    start: int
    end: int
    text: str


def find_quotes(text: str, *, min_words: int = 2) -> list[Quote]:
    """Quoted spans in one paragraph, outermost only, in order.  An unclosed quote runs
    to the end of the paragraph (news style opens a new paragraph's quote without
    closing the previous one).  Single words in quotes ('threats') are scare quotes,
    not speech, unless ``min_words`` is 1."""
    quotes: list[Quote] = []
    i, n = 0, len(text)
    while i < n:
        m = _ANY_MARK.search(text, i)
        if not m:
            break
        i = m.start()
        ch = text[i]
        close_set = _PAIRS.get(ch)
        if close_set is None and ch in "'‘" and _SINGLE_OPEN.match(text, i):
            close_set = "single"
        if close_set is None:
            i += 1
            continue
        start = i + 1
        if close_set == "single":
            m = _SINGLE_CLOSE.search(text, start)
            end = m.start() if m else -1
        else:
            end = min((j for j in (text.find(c, start) for c in close_set) if j >= 0), default=-1)
        if end < 0:
            if close_set == "single":
                i += 1
                continue
            end = n
        inner = text[start:end]
        s_off = len(inner) - len(inner.lstrip())
        e_off = len(inner.rstrip())
        if len(inner.split()) >= min_words:
            quotes.append(Quote(start + s_off, start + e_off, inner[s_off:e_off]))
        i = end + 1
    return quotes


@lru_cache(maxsize=4096)
def quote_terms(text: str) -> frozenset[str]:
    """Stemmed content words of a quote (the part that survives rewording)."""
    return frozenset(
        stem(t.lower)
        for t in tokenize(text)
        if t.kind != "number" and t.lower not in STOPWORDS and len(t.lower) > 1
    )


def quote_similarity(a: str, b: str, *, min_shared: int = 2) -> float:
    """0..1: share of the shorter quote's content words found in the other.  Needs at
    least ``min_shared`` shared words (or all of a shorter quote's, if it has at least
    two), so "peace" alone never makes two quotes the same but a short quote repeated
    whole ("one labour market") does."""
    ta, tb = quote_terms(a), quote_terms(b)
    if not ta or not tb:
        return 0.0
    shorter = min(len(ta), len(tb))
    shared = len(ta & tb)
    if shared < min(min_shared, shorter) or shared < 2:
        return 0.0
    return shared / shorter
