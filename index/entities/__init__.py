"""Named entities: recognition, alias resolution, canonical ids.

CONTRACT (used by the indexer and the app):
- ``find_mentions(article) -> list[Mention]``: mentions in the title (paragraph -1)
  and paragraphs, each resolved to a canonical entity.
- ``canonical_entities(article) -> list[str]``: distinct canonical names, for the
  ``entity`` index field (so ``entity:"North Korea"`` finds articles saying "DPRK").
  Dates are mentions (for highlighting) but not index entities.

Corpus level: ``EntityIndex.build(articles)`` merges what one article cannot know
(spelling variants across outlets, an acronym in one article and its expansion in
another, a name with no cue in one article that another confirms) and gives every
entity one id and canonical name for the whole corpus.

How this maps onto the ``entity`` index field: per-article canonical names are
already stable for everything the gazetteer knows ("DPRK", "Pyongyang" -> "North
Korea") and for case/space/hyphen variants of one spelling (ids come from
``entity_key``).  What needs the corpus (one-edit spellings, "Lloyd J. Austin" vs
"Lloyd Austin", KCNA vs its expansion) is settled by a corpus pass: store
``summarise(article)`` next to each document at index time, then
``EntityIndex.from_summaries(...)`` (milliseconds, no re-scan) and rewrite the
``entity`` field of documents whose names ``id_map()`` changes; or simply call
``EntityIndex.build(articles).canonical_entities(article)``.
"""

from __future__ import annotations

from ..model import Article, Mention
from .backend import active_backend, article_entities, set_backend
from .corpus import Entity, EntityIndex, EntitySummary, summarise
from .cues import ENTITY_TYPES
from .keys import entity_key
from .styles import TYPE_LABELS, TYPE_STYLES

__all__ = [
    "ENTITY_TYPES",
    "TYPE_LABELS",
    "TYPE_STYLES",
    "Entity",
    "EntityIndex",
    "EntitySummary",
    "active_backend",
    "canonical_entities",
    "entity_key",
    "find_mentions",
    "lookup",
    "set_backend",
    "summarise",
]


def find_mentions(article: Article) -> list[Mention]:
    """Every mention in the title (paragraph -1) and paragraphs, in reading order."""
    from .resolve import mentions_of

    return mentions_of(article, article_entities(article))


def canonical_entities(article: Article) -> list[str]:
    """Distinct canonical names of the article's entities (dates left out)."""
    return sorted({e.canonical for e in article_entities(article) if e.type != "DATE"})


def lookup(name: str) -> tuple[str, str, str] | None:
    """``(id, canonical, type)`` a name or alias stands for in the gazetteer, e.g.
    ``lookup("DPRK") -> ("gpe:north-korea", "North Korea", "GPE")``; for query
    rewriting (``entity:DPRK``).  Names only the corpus knows need ``EntityIndex``."""
    from .gazetteer import load_gazetteer

    entry = load_gazetteer().lookup(name.strip())
    if entry is None:
        return None
    return entry.id, entry.canonical, entry.type
