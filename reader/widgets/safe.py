"""Article text is data: turn it into Rich ``Text`` that can never act as markup or escapes.

``Text(...)`` already ignores ``[bold]``-style markup; control characters (ESC, C1, bidi
overrides) are swapped for visible stand-ins by the engine's ``sanitize`` and highlight
spans are moved to follow any replacement that changed the length.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

if TYPE_CHECKING:
    from index.model import Snippet

StyleType = str | Style


def sanitize(text: str) -> str:
    """The engine's sanitizer, imported on first use (keeps the app's start-up light)."""
    from index.textsafe import sanitize as engine_sanitize

    return engine_sanitize(text)


def safe_text(text: str | None, style: StyleType = "") -> Text:
    """Plain data -> Rich Text shown literally."""
    return Text(sanitize(text or ""), style=style, end="")


def _offset_map(text: str) -> tuple[str, list[int]]:
    """Sanitized text and, for each original offset (plus the end), its new offset."""
    if sanitize(text) == text:
        return text, list(range(len(text) + 1))
    pieces: list[str] = []
    offsets: list[int] = []
    pos = 0
    for ch in text:
        offsets.append(pos)
        rep = sanitize(ch)
        pieces.append(rep)
        pos += len(rep)
    offsets.append(pos)
    return "".join(pieces), offsets


def styled_text(
    text: str, spans: Iterable[tuple[int, int, StyleType]], style: StyleType = ""
) -> Text:
    """Sanitized Text with ``(start, end, style)`` spans given in offsets of the raw ``text``."""
    clean, offsets = _offset_map(text)
    out = Text(clean, style=style, end="")
    limit = len(text)
    for start, end, span_style in spans:
        start, end = max(0, min(start, limit)), max(0, min(end, limit))
        if end > start:
            out.stylize(span_style, offsets[start], offsets[end])
    return out


def snippet_text(snippet: Snippet, style: StyleType = "bold reverse") -> Text:
    """A search snippet with its matched words highlighted (see ``Snippet.to_rich``)."""
    if sanitize(snippet.text) == snippet.text:
        out = snippet.to_rich(style)
        out.end = ""
        return out
    return styled_text(snippet.text, ((s.start, s.end, style) for s in snippet.spans))
