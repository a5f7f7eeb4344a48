"""reader's engine: load and clean articles, recognise entities, index, search, compare.

Never imports Textual or the ``reader`` package (a test enforces it), so it is usable
from plain Python and from the command line alone.
"""

from .model import Article, Hit, RawDocument, SearchResults, Skipped, Snippet, Span
from .pipeline import load_articles, load_file

__all__ = [
    "Article",
    "Hit",
    "RawDocument",
    "SearchResults",
    "Skipped",
    "Snippet",
    "Span",
    "load_articles",
    "load_file",
]
