"""Markdown articles -> plain paragraphs, title from the first heading.

markdown-it-py (already a Rich dependency) does the parsing, so emphasis, links,
reference links, lists, tables and HTML blocks are all read the way a renderer
would read them; only the text is kept.  A YAML-style front matter block
(``title:``, ``date:``, ``author:``, ``url``/``source:``, ``outlet``/``site:``)
fills the metadata.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..model import RawDocument
from .base import LoadError, Parsed, join_paragraphs, one_line
from .htmltext import html_to_paragraphs
from .isodate import iso_date

_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_FRONT = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n(.*?)\n(?:---|\+\+\+|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*[:=]\s*(.*)$")
_TAG = re.compile(r"<[^>]*>")

_META_KEYS = {
    "title": ("title", "headline"),
    "date": ("date", "published", "pubdate", "created"),
    "byline": ("author", "authors", "byline"),
    "url": ("url", "source", "link", "canonical"),
    "outlet": ("outlet", "site", "sitename", "publisher"),
}


def parse(path: str, text: str) -> Parsed:
    meta, text = _front_matter(text)
    title = meta.get("title")
    paragraphs: list[str] = []
    row: list[str] = []
    in_row = in_heading = False
    for token in _MD.parse(text):
        kind = token.type
        if kind == "heading_open":
            in_heading = True
        elif kind == "heading_close":
            in_heading = False
        elif kind == "tr_open":
            in_row, row = True, []
        elif kind == "tr_close":
            in_row = False
            paragraphs.append(" | ".join(c for c in row if c))
        elif kind == "inline":
            content = _inline_text(token)
            if in_row:
                row.append(content)
            elif title is None and in_heading:
                title = one_line(content)
            else:
                paragraphs.append(content)
        elif kind in ("fence", "code_block"):
            paragraphs.extend(ln for ln in token.content.splitlines() if ln.strip())
        elif kind == "html_block":
            paragraphs.extend(html_to_paragraphs(token.content))
    body = join_paragraphs(paragraphs)
    if not body:
        raise LoadError("no article text found in the Markdown file")
    document = RawDocument(
        path=path,
        text=body,
        format="md",
        title=title,
        outlet=meta.get("outlet"),
        date=iso_date(meta.get("date")),
        url=meta.get("url"),
        byline=meta.get("byline"),
    )
    return Parsed([document])


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "html_inline":
            parts.append(_TAG.sub("", child.content))
        elif kind == "image":
            continue  # alt text of pictures is not article text
    return " ".join("".join(parts).split())


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple ``key: value`` front matter -> metadata, and the text after it."""
    match = _FRONT.match(text)
    if not match:
        return {}, text
    raw: dict[str, str] = {}
    for line in match.group(1).splitlines():
        m = _KEY.match(line.strip())
        if m and m.group(2).strip():
            raw.setdefault(m.group(1).lower(), m.group(2).strip().strip("\"'"))
    meta: dict[str, str] = {}
    for field, keys in _META_KEYS.items():
        for key in keys:
            value = one_line(raw.get(key))
            if value:
                meta[field] = value
                break
    return meta, text[match.end() :]
