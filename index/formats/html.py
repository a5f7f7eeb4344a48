"""Saved web pages: extract the article (not the navigation) and its metadata with trafilatura.

When trafilatura finds no main text (very short pages, odd layouts) the cleaned page
text from ``htmltext`` is used instead, so a page with any readable text is never lost.
"""

from __future__ import annotations

import logging

from lxml import etree

from ..model import RawDocument
from .base import LoadError, Parsed, drop_leading_title, join_paragraphs, one_line
from .htmltext import html_to_paragraphs, parse_html
from .isodate import iso_date

# trafilatura reports "empty document" and similar at WARNING/ERROR on odd pages;
# the loader turns those cases into a Skipped reason instead.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

# Page chrome removed before extraction: trafilatura's fallbacks for short pages keep it.
_CHROME = ["//nav", "//aside", "//footer", "//*[@role='navigation']"]


def parse(path: str, text: str) -> Parsed:
    import trafilatura  # ~0.2 s: only when a page is read, not at every start-up

    try:
        doc = trafilatura.bare_extraction(
            text,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
            prune_xpath=_CHROME,
        )
    except (etree.LxmlError, ValueError, TypeError, AttributeError, RecursionError):
        doc = None  # trafilatura chokes on some malformed trees; fall back to plain text
    meta = doc.as_dict() if doc is not None else {}
    paragraphs = [ln for ln in (meta.get("text") or "").splitlines() if ln.strip()]
    if not paragraphs:
        paragraphs = html_to_paragraphs(text)
    title = one_line(meta.get("title")) or _page_title(text)
    paragraphs = drop_leading_title(paragraphs, title)
    body = join_paragraphs(paragraphs)
    if not body:
        raise LoadError("no article text found in the HTML page")
    document = RawDocument(
        path=path,
        text=body,
        format="html",
        title=title,
        outlet=one_line(meta.get("sitename")),
        date=iso_date(meta.get("date")),
        url=one_line(meta.get("url")),
        byline=one_line(meta.get("author")),
    )
    return Parsed([document])


def _page_title(text: str) -> str | None:
    """The <title> of a page trafilatura could not read."""
    tree = parse_html(text)
    if tree is None:
        return None
    node = tree.find(".//title")
    return one_line(node.text_content()) if node is not None else None
