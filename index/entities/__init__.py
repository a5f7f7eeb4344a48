"""Named entities: recognition, alias resolution, canonical ids.

CONTRACT (used by the indexer and the app):
- ``find_mentions(article) -> list[Mention]``: mentions in the title (paragraph -1)
  and paragraphs, each resolved to a canonical entity.
- ``canonical_entities(article) -> list[str]``: distinct canonical names, for the
  ``entity`` index field (so ``entity:"North Korea"`` finds articles saying "DPRK").
"""

from __future__ import annotations

from ..model import Article, Mention


def find_mentions(article: Article) -> list[Mention]:
    return []


def canonical_entities(article: Article) -> list[str]:
    return sorted({m.canonical for m in find_mentions(article)})
