"""reader's engine: load and clean articles, recognise entities, index, search, compare.

Never imports Textual or the ``reader`` package (a test enforces it), so it is usable
from plain Python and from the command line alone.  The loading stack (trafilatura,
wordfreq) is imported lazily: searching an index must not pay for it at start-up.
"""

from __future__ import annotations

from typing import Any

from .model import Article, Hit, RawDocument, SearchResults, Skipped, Snippet, Span

_LAZY = {"load_articles": "pipeline", "load_file": "pipeline"}

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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
