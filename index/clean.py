"""Turn a RawDocument into a clean Article.

CONTRACT: ``clean(doc: RawDocument, *, article_id: str | None = None) -> Article``.
Cleaning never touches the source file; ``Article.raw`` keeps the original text.

Steps: make the text terminal-safe and split it into paragraphs (``index.paragraphs``);
join typesetting hyphens (``index.dehyphen``); drop site chrome (``index.boilerplate``);
lift byline and copyright lines into metadata (``index.metadata``); pick the real
headline among the leading short lines (the one whose words recur in the body);
keep decks and crossheads as content but list them as subheadings; drop truncated
headline copies and repeated paragraphs; read the dateline, outlet and event date (``index.dates``).
Structured formats (JSON) that already give title/outlet/date/url win.

Cleaning is stable: cleaning the title and paragraphs of a clean article again
gives the same article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .boilerplate import is_boilerplate
from .dates import event_date
from .dehyphen import Dehyphenator
from .metadata import find_byline, find_copyright, find_dateline
from .model import Article, RawDocument, content_hash
from .paragraphs import CLOSERS, Paragraph, ends_sentence, normalize, prepare, split_paragraphs
from .textsafe import sanitize
from .words import content_words

HEADER_LINES = 10  # the headline is among the first lines
HEADLINE_MAX_WORDS = 30
BODY_MIN_WORDS = 12  # a sentence this long (or any line over 30 words) starts the body
HEADING_MAX_WORDS = 16
# Inside a crosshead there is no sentence break, link, handle or attribution.
_NOT_HEADING = re.compile(r"[.!?][\"'”’]?\s+\S|://|@\w|\bpic\.|\b(?:said|says|told)\b", re.I)
DUPLICATE_MIN_WORDS = 5
DERIVED_TITLE_WORDS = 20
SCORE_CHARS = 100_000  # body text a headline candidate is compared with


def article_id_for(doc: RawDocument) -> str:
    """Stable id: hash of the path (+ record id for multi-article files)."""
    key = doc.path if doc.source_id is None else f"{doc.path}#{doc.source_id}"
    return content_hash(key)[:12]


@dataclass
class _Meta:
    byline: str | None = None
    copyright: str | None = None
    holder: str | None = None


def clean(doc: RawDocument, *, article_id: str | None = None) -> Article:
    """A reading-ready Article: real headline, body without chrome, metadata apart."""
    raw = doc.text if isinstance(doc.text, str) else ""
    paras = split_paragraphs(prepare(raw), markdown=doc.format == "md")
    # Join typesetting hyphens first, so every later rule sees the text a reader sees
    # (and cleaning the output again meets exactly the same text).
    fixer = Dehyphenator([p.text for p in paras])
    paras = [Paragraph(fixer.fix(p.text), p.heading) for p in paras]
    meta = _Meta()
    paras = _strip_chrome_and_metadata(paras, meta)

    given_title = _field(doc.title)
    if given_title:
        title, start = given_title, _skip_title_echoes(paras, given_title)
        confident = True
    else:
        title, start, confident = _choose_title(paras)
    if not title and start < len(paras):
        title = _derived_title(paras[start].text)
    body = _drop_title_copies(paras[start:], title)
    head = _first_body(body)
    decks = [p.text for p in body[:head]]
    # A paragraph echoed straight under a real headline is a standfirst (keep the later
    # copy); under a guessed or derived title the first copy is the lead itself.
    body = _drop_duplicates(body, standfirst=head if confident else -1)

    texts = [p.text for p in body]
    subheadings = _unique(decks + [p.text for p in body[len(decks) :] if _is_heading(p)])
    headings = set(subheadings)
    lead = [t for t in texts if t not in headings]
    dateline = None
    for t in lead[:2]:
        found = find_dateline(t)
        if found:
            dateline = found
            break
    outlet = _field(doc.outlet) or meta.holder or (dateline.agency if dateline else None)
    date = _field(doc.date) or event_date(lead)
    return Article(
        id=article_id or article_id_for(doc),
        path=doc.path,
        title=title,
        paragraphs=tuple(texts),
        raw=raw,
        outlet=outlet,
        dateline=dateline.text if dateline else None,
        byline=_field(doc.byline) or meta.byline,
        copyright=meta.copyright,
        date=date,
        url=_field(doc.url),
        subheadings=tuple(subheadings),
        format=doc.format,
        source_id=doc.source_id,
        content_hash=_content_hash(doc, raw),
    )


def _content_hash(doc: RawDocument, raw: str) -> str:
    """Changes with anything the record says: its text and every metadata field (a
    JSON or RSS record whose date alone was corrected must be indexed again)."""
    given = (doc.title, doc.outlet, doc.date, doc.byline, doc.url)
    return content_hash("\x00".join([raw, *("" if v is None else str(v) for v in given)]))


def _field(value: object) -> str | None:
    """A structured metadata value as safe single-line text, or None when empty."""
    if value is None:
        return None
    text = normalize(sanitize(str(value)).replace("\n", " "))
    return text or None


def _strip_chrome_and_metadata(paras: list[Paragraph], meta: _Meta) -> list[Paragraph]:
    """Drop chrome lines; move byline/copyright lines (and widget labels after them) out."""
    kept: list[Paragraph] = []
    end_marker = False
    for p in paras:
        text = p.text
        if is_boilerplate(text):
            continue
        copyright = find_copyright(text)
        if copyright:
            meta.copyright = meta.copyright or copyright[0]
            meta.holder = meta.holder or copyright[1]
            end_marker = True
            continue
        byline = find_byline(text)
        if byline:
            meta.byline = meta.byline or byline
            continue
        if end_marker and _is_short_fragment(text):
            continue  # attachment lists, tag clouds after the copyright line
        if end_marker and len(text.split()) >= BODY_MIN_WORDS:
            end_marker = False
        kept.append(p)
    return kept


def _is_short_fragment(text: str) -> bool:
    return len(text.split()) < BODY_MIN_WORDS and not ends_sentence(text)


def _is_body(p: Paragraph) -> bool:
    """A paragraph that reads as running text, not a headline or label.

    Marked as a Markdown heading or not: cleaning must give the same article again
    from its own output, where the title line carries no heading mark.
    """
    n = len(p.text.split())
    return n > HEADLINE_MAX_WORDS or (n >= BODY_MIN_WORDS and ends_sentence(p.text))


def _headline_score(line: str, later: list[Paragraph]) -> float:
    """How much a candidate headline talks about the text below it (0..1).

    A headline shares most of its content words with the story below it; a site
    tagline or section label ("Recent News") shares at most one by chance.  Copies
    of the candidate itself (repeats, truncated copies) are not evidence.
    """
    words = set(content_words(line))
    if not words:
        return 0.0
    key = _key(line)
    seen: set[str] = set()
    budget = SCORE_CHARS
    for p in later:
        k = _key(p.text)
        if k == key or (len(k) >= 10 and key.startswith(k)):
            continue
        seen.update(content_words(p.text[:budget]))
        budget -= len(p.text)
        if budget <= 0 or words <= seen:
            break
    matched = len(words & seen)
    if matched < min(2, len(words)):
        return 0.0
    return matched / len(words)


def _choose_title(paras: list[Paragraph]) -> tuple[str, int, bool]:
    """The headline among the leading short lines, where the rest starts, and confidence.

    The first candidate that talks about the text below it wins (confidently); when
    none does, the first candidate (a Markdown heading first) is the headline.
    """
    end = _header_end(paras, 0)
    candidates = [
        i
        for i in range(end)
        if i + 1 < len(paras) and len(paras[i].text.split()) <= HEADLINE_MAX_WORDS
    ]
    if not candidates:
        return "", 0, False
    for i in candidates:
        if _headline_score(paras[i].text, paras[i + 1 :]) >= 0.5:
            return paras[i].text, i + 1, True
    headings = [i for i in candidates if paras[i].heading]
    best = headings[0] if headings else candidates[0]
    return paras[best].text, best + 1, False


def _header_end(paras: list[Paragraph], start: int) -> int:
    """Where the headline/deck zone that begins at ``start`` ends.

    That is the first body paragraph, or the end of the header window when the
    first lines are all short (a list, a poem, a stub): then they all compete.
    The window holds HEADER_LINES distinct lines: a line printed again takes no room
    (cleaning the output again, where the copies are gone, sees the same lines).
    """
    seen: set[str] = set()
    stop = start
    while stop < len(paras) and len(seen) < HEADER_LINES:
        seen.add(_key(paras[stop].text))
        stop += 1
    for i in range(start, stop):
        if _is_body(paras[i]):
            return i
    return stop


def _first_body(paras: list[Paragraph]) -> int:
    """Index of the first body paragraph (0 when there is none in the header window)."""
    for i in range(min(len(paras), HEADER_LINES)):
        if _is_body(paras[i]):
            return i
    return 0


def _key(text: str) -> str:
    """Comparison key of a normalised (single-spaced) line."""
    return text.casefold()


def _skip_title_echoes(paras: list[Paragraph], title: str) -> int:
    """Skip leading lines that repeat a structured title (pages often print it again)."""
    key = _key(title)
    i = 0
    while i < len(paras) - 1 and i < HEADER_LINES and _key(paras[i].text) == key:
        i += 1
    return i


def _drop_title_copies(paras: list[Paragraph], title: str) -> list[Paragraph]:
    """Drop lines that repeat the headline or a truncated copy of it ("... to operate a sy")."""
    if not title:
        return paras
    key = _key(title)
    out = []
    for p in paras:
        k = _key(p.text)
        if k == key or (len(k) >= 10 and key.startswith(k) and len(k) < len(key)):
            continue
        out.append(p)
    return out if out else paras


def _drop_duplicates(paras: list[Paragraph], *, standfirst: int) -> list[Paragraph]:
    """Keep one copy of repeated paragraphs.

    A paragraph printed straight under the headline and again later is a standfirst
    echo: the later copy, where the story's flow puts it, is kept.
    """
    positions: dict[str, list[int]] = {}
    for i, p in enumerate(paras):
        if len(p.text.split()) >= DUPLICATE_MIN_WORDS:
            positions.setdefault(_key(p.text), []).append(i)
    drop: set[int] = set()
    for where in positions.values():
        if len(where) < 2:
            continue
        keep = where[-1] if where[0] == standfirst else where[0]
        drop.update(i for i in where if i != keep)
    return [p for i, p in enumerate(paras) if i not in drop]


def _is_heading(p: Paragraph) -> bool:
    """A crosshead inside the body: a short line that is not a sentence, quote or caption."""
    if p.heading:
        return True
    text = p.text
    if len(text.split()) > HEADING_MAX_WORDS or ends_sentence(text):
        return False
    if text.rstrip(CLOSERS)[-1:] in ",)]" or text[-1:] in ")]":
        return False  # a quote cut before its attribution, a caption credit
    if _NOT_HEADING.search(text):
        return False
    return any(ch.isalpha() for ch in text)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _derived_title(paragraph: str) -> str:
    """A headline for a title-less article: its first sentence, or its opening words.

    Empty when either would read as site chrome (then the article has no title).
    """
    first = paragraph
    for i, ch in enumerate(paragraph):
        if ch in ".!?" and (i + 1 == len(paragraph) or paragraph[i + 1] == " ") and i > 20:
            first = paragraph[: i + 1]
            break
    if len(first.split()) <= DERIVED_TITLE_WORDS:
        title = first.rstrip(".!?;: ")
        if title and not is_boilerplate(title):
            return title
    words = paragraph.split()
    if len(words) > DERIVED_TITLE_WORDS:
        title = " ".join(words[:DERIVED_TITLE_WORDS]) + " …"
        if not is_boilerplate(title):
            return title
    return ""
