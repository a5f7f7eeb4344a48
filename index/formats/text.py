"""Plain-text articles: the decoded text as it is (cleaning finds the title and noise)."""

from __future__ import annotations

from ..model import RawDocument
from .base import LoadError, Parsed


def parse(path: str, text: str) -> Parsed:
    if not text.strip():
        raise LoadError("no text (only whitespace)")
    return Parsed([RawDocument(path=path, text=text, format="txt")])
