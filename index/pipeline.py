"""files -> Articles, in one call.  Used by the indexer, the CLI and tests."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from .clean import clean
from .load import LoadError, iter_files, read_documents
from .model import Article, Skipped


def load_file(path: str | os.PathLike) -> list[Article] | Skipped:
    """Every article in one file, or why the file was skipped (never raises for bad input)."""
    try:
        docs = read_documents(path)
    except LoadError as exc:
        return Skipped(str(path), str(exc))
    except (OSError, ValueError, UnicodeError) as exc:
        return Skipped(str(path), f"{type(exc).__name__}: {exc}")
    if not docs:
        return Skipped(str(path), "no article text found")
    return [clean(d) for d in docs]


def load_articles(paths: Iterable[str | os.PathLike]) -> Iterator[Article | Skipped]:
    for item in iter_files(paths):
        if isinstance(item, Skipped):
            yield item
            continue
        result = load_file(item)
        if isinstance(result, Skipped):
            yield result
        else:
            yield from result
