"""One parser per article format, chosen by file suffix (and, for XML, by content).

Each parser takes the resolved path and the decoded text (feeds take bytes, because
feedparser honours the encoding declared in the XML prolog) and returns ``Parsed``
or raises ``LoadError`` with a reason a user can act on.
"""

from __future__ import annotations

from .base import LoadError, Parsed, RecordSkip

# suffix -> format name used in RawDocument.format (feeds are confirmed by content)
FORMATS: dict[str, str] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xml": "rss",
    ".rss": "rss",
    ".atom": "rss",
}

__all__ = ["FORMATS", "LoadError", "Parsed", "RecordSkip"]
