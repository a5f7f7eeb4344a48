"""HTML (a fragment from a feed or Markdown, or a page trafilatura gave up on) -> paragraphs.

lxml parses anything (unclosed tags, stray ``<``); lxml_html_clean removes scripts,
styles, forms and page chrome (nav/header/footer/aside) before the text is read.
"""

from __future__ import annotations

from lxml import etree, html
from lxml.html.clean import Cleaner

_CLEANER = Cleaner(
    scripts=True,
    javascript=True,
    comments=True,
    style=True,
    meta=True,
    forms=True,
    embedded=True,
    frames=True,
    processing_instructions=True,
    page_structure=False,
    kill_tags=["nav", "header", "footer", "aside", "noscript", "template", "svg", "button"],
)

# Elements that end a paragraph; everything else is inline and flows into the current one.
_BLOCKS = frozenset(
    "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 blockquote pre table tr section article "
    "main figure figcaption address hr br td th caption summary details".split()
)


_PARSER = html.HTMLParser(huge_tree=True, remove_comments=True)  # deep pages keep their text


def parse_html(markup: str) -> html.HtmlElement | None:
    """A cleaned lxml tree for ``markup`` or None when there is nothing to parse."""
    if not markup or not markup.strip():
        return None
    try:
        tree = html.document_fromstring(markup, parser=_PARSER)
    except (etree.ParserError, ValueError):
        try:
            tree = html.fragment_fromstring(markup, create_parent="div", parser=_PARSER)
        except (etree.ParserError, ValueError):
            return None
    try:
        return _CLEANER.clean_html(tree)
    except (etree.ParserError, ValueError, TypeError):
        return tree


def html_to_paragraphs(markup: str) -> list[str]:
    """The readable text of ``markup``, one string per block element.

    Walks the tree iteratively, so deeply nested pages cannot exhaust the stack.
    """
    tree = parse_html(markup)
    if tree is None:
        return []
    body = tree.find(".//body")
    root = body if body is not None else tree
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = " ".join("".join(current).split())
        if text:
            paragraphs.append(text)
        current.clear()

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in _BLOCKS:
            flush()
        if event == "start":
            if tag and el.text:
                current.append(el.text)
        elif el is not root and el.tail:
            current.append(el.tail)
    flush()
    return paragraphs
