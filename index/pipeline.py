"""files -> Articles, in one call.  Used by the indexer, the CLI and tests.

Nothing here raises for bad input: a file that cannot be used becomes a ``Skipped``
with a reason, a bad record inside a multi-article file becomes a ``RecordSkipped``
(its siblings still load), and an unexpected error in a parser or in cleaning is
reported as "internal error ..." for that file instead of stopping the run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .clean import clean
from .load import LoadError, RecordSkipped, ScanStats, iter_files, read_file
from .model import Article, Skipped

log = logging.getLogger(__name__)

INTERNAL_ERROR = "internal error"  # prefix of reasons that point at a bug, not at the file


@dataclass(frozen=True)
class FileReport:
    """What one file produced: its articles and anything left out.

    ``skipped`` holds either one file-level ``Skipped`` (and no articles) or the
    ``RecordSkipped`` records of a multi-article file that otherwise loaded.
    """

    path: str
    articles: tuple[Article, ...] = ()
    skipped: tuple[Skipped, ...] = ()

    @property
    def ok(self) -> bool:
        return bool(self.articles)


def load_file_report(path: str | os.PathLike, data: bytes | None = None) -> FileReport:
    """Every article in one file plus per-record skips (never raises for bad input);
    ``data``: the file's bytes, when the caller has read them (``read_bytes``)."""
    name = os.fspath(path)
    try:
        loaded = read_file(path, data)
    except LoadError as exc:
        return FileReport(name, skipped=(Skipped(name, str(exc)),))
    except RecursionError:
        return FileReport(name, skipped=(Skipped(name, "too deeply nested to read"),))
    except MemoryError:
        return FileReport(name, skipped=(Skipped(name, "not enough memory to read this file"),))
    except Exception as exc:  # a parser bug must not stop a whole corpus from loading
        log.exception("loading %s failed", name)
        reason = f"{INTERNAL_ERROR} while reading ({type(exc).__name__}: {exc})"
        return FileReport(name, skipped=(Skipped(name, reason),))
    real = loaded.documents[0].path
    articles: list[Article] = []
    skipped: list[Skipped] = list(loaded.skipped)
    for doc in loaded.documents:
        try:
            articles.append(clean(doc))
        except Exception as exc:  # same: report the bug for this article, keep going
            log.exception("cleaning %s#%s failed", doc.path, doc.source_id)
            record = f"record {doc.source_id}" if doc.source_id else "article"
            reason = f"{record}: {INTERNAL_ERROR} while cleaning ({type(exc).__name__}: {exc})"
            skipped.append(RecordSkipped(real, reason, record=record))
    if not articles:
        reason = skipped[0].reason if skipped else "no article text found"
        return FileReport(real, skipped=(Skipped(real, reason),))
    return FileReport(real, tuple(articles), tuple(skipped))


def load_file(path: str | os.PathLike, data: bytes | None = None) -> list[Article] | Skipped:
    """Every article in one file, or why the file was skipped (never raises for bad input).

    Per-record skips of a partly readable file are dropped; use ``load_file_report``.
    """
    result = load_file_report(path, data)
    if result.articles:
        return list(result.articles)
    return result.skipped[0]


def iter_file_results(
    paths: Iterable[str | os.PathLike], *, stats: ScanStats | None = None
) -> Iterator[FileReport]:
    """One ``FileReport`` per candidate file (or per path that could not be used)."""
    for item in iter_files(paths, stats=stats):
        if isinstance(item, Skipped):
            yield FileReport(item.path, skipped=(item,))
        else:
            yield load_file_report(item)


def load_articles(
    paths: Iterable[str | os.PathLike], *, stats: ScanStats | None = None
) -> Iterator[Article | Skipped]:
    """Every article under ``paths``, interleaved with Skipped/RecordSkipped reasons."""
    for result in iter_file_results(paths, stats=stats):
        yield from result.articles
        yield from result.skipped
