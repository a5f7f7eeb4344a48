"""Where to paint in an article: query-term matches and entity mentions, per paragraph.

Pure functions over plain strings so the reading view (and its tests) can reason about
matches without a terminal.  Paragraph ``-1`` is the title, as in ``index.model.Mention``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from index.model import Article, Mention


# Entity type -> colour; also the legend's order.
ENTITY_COLORS: dict[str, str] = {
    "PERSON": "#5fafff",
    "ORG": "#d7af5f",
    "GPE": "#87d787",
    "LOC": "#5fd7af",
    "NORP": "#d787d7",
    "EVENT": "#ff875f",
    "FAC": "#afaf87",
    "LAW": "#d7875f",
    "DATE": "#8787af",
}
OTHER_ENTITY_COLOR = "#afafaf"

ENTITY_NAMES: dict[str, str] = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "country/city",
    "LOC": "place",
    "NORP": "group",
    "EVENT": "event",
    "FAC": "facility",
    "LAW": "law",
    "DATE": "date",
}


@dataclass(frozen=True, order=True)
class Match:
    """A query-term occurrence: paragraph index (-1 = title) and character range."""

    paragraph: int
    start: int
    end: int


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    from whoosh.lang.porter import stem  # the stemmer the index uses for title and body

    return stem(word.lower())


@dataclass(frozen=True)
class TermMatcher:
    """Decides which words of an article are query words, the way the index matched them.

    A word matches when it has the same stem as a typed word ("missile" for "missiles"),
    starts with a prefix typed as ``word*``, or is within one edit (``word~``, or N edits
    for ``word~N``) of a fuzzy word with the same first letter, as Whoosh's fuzzy terms.
    """

    stems: frozenset[str]
    prefixes: tuple[str, ...] = ()
    fuzzy: tuple[tuple[str, int], ...] = ()

    @classmethod
    def build(cls, terms: Iterable[str], query: str = "") -> TermMatcher:
        words = {w.lower() for t in terms for w in _WORD.findall(t)}
        prefixes = {w.lower() for w in re.findall(r"(\w+)\*", query)}
        fuzzy = {(w.lower(), int(n or 1)) for w, n in re.findall(r"(\w+)~(\d)?", query)}
        return cls(
            frozenset(_stem(w) for w in words), tuple(sorted(prefixes)), tuple(sorted(fuzzy))
        )

    def __bool__(self) -> bool:
        return bool(self.stems or self.prefixes or self.fuzzy)

    def matches(self, word: str) -> bool:
        low = word.lower()
        if _stem(low) in self.stems:
            return True
        if any(low.startswith(p) for p in self.prefixes):
            return True
        if self.fuzzy:
            from rapidfuzz.distance import Levenshtein

            return any(
                low[:1] == f[:1] and Levenshtein.distance(low, f, score_cutoff=n) <= n
                for f, n in self.fuzzy
            )
        return False

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in _WORD.finditer(text) if self.matches(m.group())]


_WORD = re.compile(r"\w+")


def find_matches(article: Article, terms: Sequence[str], query: str = "") -> list[Match]:
    """Every occurrence of a query word in the title (paragraph -1) and the paragraphs."""
    matcher = TermMatcher.build(terms, query)
    if not matcher:
        return []
    out = [Match(-1, s, e) for s, e in matcher.spans(article.title or "")]
    for i, para in enumerate(article.paragraphs):
        out.extend(Match(i, s, e) for s, e in matcher.spans(para))
    return out


@dataclass(frozen=True)
class EntitySummary:
    """One row of the entity panel."""

    entity_id: str
    canonical: str
    type: str
    count: int
    mentions: tuple[Mention, ...]


def summarise_entities(mentions: Sequence[Mention]) -> list[EntitySummary]:
    """Group mentions by entity, most mentioned first, mentions in reading order."""
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        groups.setdefault(m.entity_id, []).append(m)
    rows = [
        EntitySummary(
            entity_id=eid,
            canonical=ms[0].canonical,
            type=ms[0].type,
            count=len(ms),
            mentions=tuple(sorted(ms, key=lambda m: (m.paragraph, m.start))),
        )
        for eid, ms in groups.items()
    ]
    rows.sort(key=lambda r: (-r.count, r.canonical.lower()))
    return rows


def entity_color(kind: str) -> str:
    return ENTITY_COLORS.get(kind, OTHER_ENTITY_COLOR)
