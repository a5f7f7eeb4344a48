"""Group articles that report the same event into stories.

CONTRACT: ``group_stories(articles: Sequence[Article]) -> list[Story]``; every article
id appears in exactly one story.  The indexer stores each article's story id in the
``story`` field.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import Article, Story


def group_stories(articles: Sequence[Article]) -> list[Story]:
    return [Story(id=f"s-{a.id}", label=a.title, article_ids=(a.id,), date=a.date) for a in articles]
