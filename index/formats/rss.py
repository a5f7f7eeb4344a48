"""RSS and Atom feeds (``.xml``/``.rss``/``.atom``, recognised by content): one article per entry.

feedparser does the parsing (entities, CDATA, RSS 0.9x/1.0/2.0, Atom, encodings
declared in the XML prolog).  It is given the bytes as a stream, so it never treats
content as a URL or a file name; entity declarations are removed before parsing, so
neither external entities (XXE) nor entity expansion bombs reach the XML parser.
"""

from __future__ import annotations

import io
import re

import feedparser

from ..model import RawDocument
from .base import LoadError, Parsed, RecordSkip, join_paragraphs, one_line
from .htmltext import html_to_paragraphs
from .isodate import iso_date

_ROOT = re.compile(rb"<(?:[\w-]+:)?(rss|feed|RDF)[\s>/]", re.I)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# A DOCTYPE with an internal subset: the only way to declare entities (XXE, "billion laughs").
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.S | re.I)


def looks_like_feed(head: bytes) -> bool:
    """Does the start of this file contain an RSS/Atom/RDF root element?"""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[:4] in (
        b"\xff\xfe\x00\x00",
        b"\x00\x00\xfe\xff",
    ):
        head = head.replace(b"\x00", b"")  # UTF-16/32: ASCII tags become plain bytes
    return bool(_ROOT.search(head[:4096]))


def parse(path: str, data: bytes) -> Parsed:
    head = data[:65536]
    if b"<!ENTITY" in head.upper():
        # Real feeds never declare entities; drop the declarations rather than let the
        # XML parser expand them (references to them then read as plain text).
        data = _INTERNAL_SUBSET.sub(b"", head, count=1) + data[65536:]
    feed = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False, sanitize_html=True)
    if not feed.entries:
        problem = feed.get("bozo_exception")
        detail = f": {problem}" if problem else ""
        raise LoadError(f"feed has no entries{detail}")
    outlet = one_line(feed.feed.get("title"))
    parsed = Parsed()
    seen: set[str] = set()
    for number, entry in enumerate(feed.entries, 1):
        label = f"entry {number}"
        body = join_paragraphs(_entry_paragraphs(entry))
        if not body:
            parsed.skipped.append(RecordSkip(label, "entry has no text (no content or summary)"))
            continue
        source_id = one_line(entry.get("id")) or one_line(entry.get("link")) or str(number)
        if source_id in seen:
            source_id = f"{source_id}@{number}"
        seen.add(source_id)
        parsed.documents.append(
            RawDocument(
                path=path,
                text=body,
                format="rss",
                source_id=source_id,
                title=_plain(entry.get("title"), entry.get("title_detail")),
                outlet=outlet,
                # the date as written (the publisher's local day), else feedparser's UTC one
                date=iso_date(entry.get("published") or entry.get("updated"))
                or iso_date(entry.get("published_parsed") or entry.get("updated_parsed")),
                url=one_line(entry.get("link")),
                byline=one_line(entry.get("author")),
            )
        )
    if not parsed.documents:
        raise LoadError(f"no entry in the feed has text ({len(parsed.skipped)} entries)")
    return parsed


def _entry_paragraphs(entry: feedparser.FeedParserDict) -> list[str]:
    """The longest of the entry's content blocks, else its summary, as paragraphs."""
    blocks = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    if blocks:
        best = max(blocks, key=lambda c: len(c.get("value") or ""))
        return _to_paragraphs(best.get("value") or "", best.get("type"))
    detail = entry.get("summary_detail") or {}
    return _to_paragraphs(entry.get("summary") or "", detail.get("type"))


def _to_paragraphs(value: str, mime: str | None) -> list[str]:
    if mime in _HTML_TYPES or (mime is None and "<" in value):
        return html_to_paragraphs(value)
    return [p for p in re.split(r"\n\s*\n", value) if p.strip()]


def _plain(value: str | None, detail: dict | None) -> str | None:
    if value and (detail or {}).get("type") in _HTML_TYPES and "<" in value:
        value = " ".join(html_to_paragraphs(value))
    return one_line(value)
