"""Did-you-mean over a stemmed index, answering with whole, real words.

Whoosh's ``correct_query`` cannot serve a stemmed field well: it corrects the
*stem* of what was typed ("presidnet" -> stem "presidnet" is 3 edits from the
indexed stem "presid"), suggests stems ("missil"), and ranks candidates by
frequency alone.  So we correct the typed words themselves:

- candidates are English words (wordfreq's list, which includes common names) and
  the corpus' own terms (for names no dictionary knows), within 2 edits of the
  typed word (transpositions count once) and sharing its first letter;
- a candidate counts only if its stem is in the index; the nearest wins, ties
  going to the one more articles use;
- the suggestion is the whole query string with those words replaced.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .analysis import WORD, stem_word
from .schema import unpack_article

VOCABULARY_SIZE = 200_000
_vocab: dict[str, list[str]] | None = None
_vocab_lock = threading.Lock()


_sorted: dict[str, list[tuple[str, int]]] = {}  # initial -> (word, frequency rank), A-Z


def vocabulary(initial: str) -> list[str]:
    """English words starting with ``initial`` (the list is loaded once, on first use)."""
    global _vocab
    with _vocab_lock:
        if _vocab is None:
            _vocab = {}
            try:
                from wordfreq import top_n_list

                words = top_n_list("en", VOCABULARY_SIZE)
            except Exception:  # noqa: BLE001 - no word list: corpus terms still work
                words = []
            for w in words:
                if w.isalpha():
                    _vocab.setdefault(w[0], []).append(w)
            for first, listed in _vocab.items():  # for words_with_prefix
                _sorted[first] = sorted((w, rank) for rank, w in enumerate(listed))
        return _vocab.get(initial, [])


def words_with_prefix(prefix: str) -> list[str]:
    """The English words starting with ``prefix``, most frequent first: a binary search
    of the alphabetical list instead of testing every word with the same initial
    (~3 ms a ``prefix*`` query)."""
    if not prefix:
        return []
    vocabulary(prefix[0])  # loads the lists
    index = _sorted.get(prefix[0], [])
    lo = bisect_left(index, (prefix,))
    hi = bisect_left(index, (prefix + "\U0010ffff",))
    return [w for w, _ in sorted(index[lo:hi], key=lambda pair: pair[1])]


def _max_edits(word: str) -> int:
    return 1 if len(word) <= 4 else 2


def correct_word(searcher: Any, word: str, fields: Sequence[str] = ("title", "body")) -> str | None:
    """The best indexed replacement for a typed word, or None."""
    typed = word.lower()
    if len(typed) < 3 or not typed.isalpha():
        return None
    reader = searcher.reader()
    edits = _max_edits(typed)

    def doc_freq(w: str) -> int:
        stem = stem_word(w)
        return sum(reader.doc_frequency(f, stem) for f in fields)

    # Every candidate is replaced by how the corpus spells its stem, so a dictionary
    # oddity ("minist") becomes the word articles use ("minister").
    stems: set[tuple[str, str]] = set()
    for cand, _, _ in process.extract(
        typed, vocabulary(typed[0]), scorer=OSA.distance, score_cutoff=edits, limit=12
    ):
        stem = stem_word(cand)
        for field in fields:
            if (field, stem) in reader:
                stems.add((field, stem))
                break
    for field in fields:
        for term in reader.terms_within(field, stem_word(typed), edits, prefix=1):
            stems.add((field, term.decode("utf-8") if isinstance(term, bytes) else term))
    candidates: dict[str, int] = {}
    for field, stem in stems:
        surface = surface_word(searcher, field, stem)
        dist = OSA.distance(typed, surface)
        if surface != typed and dist <= edits:
            candidates[surface] = min(dist, candidates.get(surface, dist))
    if not candidates:
        return None
    return min(candidates, key=lambda c: (candidates[c], -doc_freq(c), c))


def surface_word(searcher: Any, field: str, stem: str) -> str:
    """How articles spell an indexed stem: its most frequent word in the first article using it."""
    try:
        m = searcher.postings(field, stem)
    except Exception:  # noqa: BLE001 - term not in the index
        return stem
    if not m.is_active():
        return stem
    fields = searcher.stored_fields(m.id())
    if field == "title":
        text = fields.get("title") or ""
    else:
        text = unpack_article(fields["article"]).body
    counts: dict[str, int] = {}
    for match in WORD.finditer(text):
        w = match.group().lower()
        if stem_word(w) == stem:
            counts[w] = counts.get(w, 0) + 1
    if not counts:
        return stem
    return min(counts, key=lambda w: (-counts[w], len(w), w))


def correct_query(searcher: Any, parsed: str, spans: Sequence[tuple[int, int]]) -> str | None:
    """``parsed`` with each misspelt word (at ``spans``) replaced; None if nothing changed."""
    out = parsed
    changed = False
    for start, end in sorted(set(spans), reverse=True):
        typed = parsed[start:end]
        if not re.fullmatch(r"\w+", typed):
            continue
        better = correct_word(searcher, typed)
        if better:
            out = out[:start] + better + out[end:]
            changed = True
    return out if changed else None
