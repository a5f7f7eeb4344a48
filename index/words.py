"""Content words of a text: the words that say what it is about.

Used by cleaning (does a candidate headline talk about the body?) and by corpus-level
date resolution (which other article reports the same story?).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lexical import zipf as plain_zipf

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are around as at be because been
    before being below between both but by can could did do does doing down during each even
    ever every few for from further had has have having he her here hers herself him himself his
    how however i if in into is it its itself just last least less like made make many may me
    might more most much must my myself near new no nor not now of off on once one only or
    other our ours ourselves out over own per same says said say she should since so some still
    such than that the their theirs them themselves then there these they this those three
    through to too two under until up upon us very was way we well were what when where whether
    which while who whom whose why will with within without would year years yet you your yours
    yourself yourselves
    """.split()
)


def words(text: str) -> list[str]:
    """Lower-cased words with possessive endings removed ("Korea’s" -> "korea")."""
    out = []
    for w in _WORD.findall(text):
        w = w.lower()
        if w.endswith(("'s", "’s")):
            w = w[:-2]
        out.append(w)
    return out


def content_words(text: str) -> list[str]:
    """Words of two or more letters that are not function words, in order."""
    return [w for w in words(text) if len(w) > 1 and w not in STOPWORDS]


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """Cached English Zipf frequency of a lower-cased word (0.0 when unknown)."""
    if not word:
        return 0.0
    return plain_zipf(word)  # wordfreq's value, without loading its whole list
