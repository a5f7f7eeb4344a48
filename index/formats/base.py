"""What every format parser shares: the error type, the result type, field helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..model import RawDocument


class LoadError(Exception):
    """A file that cannot be turned into articles; the message is the user-facing reason."""


@dataclass(frozen=True)
class RecordSkip:
    """One record inside a multi-article file that could not be used (the rest still load)."""

    record: str  # "line 17", "item 3", "entry 2"
    reason: str


@dataclass
class Parsed:
    """A parser's output: the documents found plus the records it had to leave out."""

    documents: list[RawDocument] = field(default_factory=list)
    skipped: list[RecordSkip] = field(default_factory=list)


_SPACE = re.compile(r"\s+")


def one_line(value: Any) -> str | None:
    """A metadata value as one trimmed line, or None when absent/empty/not text.

    Lists of strings (e.g. several authors) are joined with ", ".
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    elif isinstance(value, (list, tuple)):
        parts = [one_line(v) for v in value if isinstance(v, (str, int, float))]
        value = ", ".join(p for p in parts if p)
    elif isinstance(value, dict):
        value = value.get("name") or value.get("title")
        if not isinstance(value, str):
            return None
    if not isinstance(value, str):
        return None
    value = _SPACE.sub(" ", value).strip()
    return value or None


def drop_leading_title(paragraphs: list[str], title: str | None) -> list[str]:
    """Remove a first paragraph that merely repeats the title (extractors often keep the h1)."""
    if title and paragraphs and _norm(paragraphs[0]) == _norm(title):
        return paragraphs[1:]
    return paragraphs


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def join_paragraphs(paragraphs: list[str]) -> str:
    """Paragraphs as text: one paragraph per line, blank line between paragraphs."""
    out = (_SPACE.sub(" ", p).strip() for p in paragraphs)
    return "\n\n".join(p for p in out if p)
