"""Plain dataclasses at the engine's boundaries.

Data flows one way: files -> RawDocument -> Article -> index -> SearchResults /
Comparison -> widgets.  Nothing here imports Whoosh or Textual, so every layer
(and every test) can build these values by hand.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RawDocument:
    """One article as found in a source file, before cleaning.

    A ``.txt`` file yields one; a ``.jsonl`` or RSS file may yield many
    (``source_id`` tells them apart).  ``text`` is decoded text; structured
    formats fill the metadata they carry.
    """

    path: str
    text: str
    format: str  # "txt", "md", "html", "json", "jsonl", "rss"
    source_id: str | None = None
    title: str | None = None
    outlet: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd when known
    url: str | None = None
    byline: str | None = None


@dataclass(frozen=True)
class Skipped:
    """A file the loader could not turn into articles, with a reason a user can act on."""

    path: str
    reason: str


@dataclass(frozen=True)
class Article:
    """A cleaned article: what the index stores and every view shows."""

    id: str
    path: str
    title: str
    paragraphs: tuple[str, ...]
    raw: str = ""
    outlet: str | None = None
    dateline: str | None = None
    byline: str | None = None
    copyright: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd: the event/publication date
    url: str | None = None
    subheadings: tuple[str, ...] = ()
    format: str = "txt"
    source_id: str | None = None
    content_hash: str = ""

    @property
    def body(self) -> str:
        return join_paragraphs(self.paragraphs)

    @property
    def word_count(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)

    def to_dict(self, *, raw: bool = True) -> dict[str, Any]:
        # every field is a str, None or a tuple of str: a shallow copy is enough
        # (``asdict`` deep-copies, 5% of reading an article)
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["paragraphs"] = list(self.paragraphs)
        data["subheadings"] = list(self.subheadings)
        if not raw:
            data.pop("raw")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        values["paragraphs"] = tuple(values.get("paragraphs") or ())
        values["subheadings"] = tuple(values.get("subheadings") or ())
        return cls(**values)


def join_paragraphs(paragraphs: Sequence[str]) -> str:
    """An article's body: its paragraphs, a blank line apart."""
    return "\n\n".join(paragraphs)


def content_hash(data: bytes | str) -> str:
    """Stable hash used for incremental indexing (changed content = changed hash)."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True)
class Span:
    """A highlighted range ``[start, end)`` inside some text."""

    start: int
    end: int
    kind: str = "match"


@dataclass(frozen=True)
class Snippet:
    """Plain text plus highlight spans; renderers turn it into Rich Text."""

    text: str
    spans: tuple[Span, ...] = ()

    def to_rich(self, style: str = "bold reverse"):
        """Rich Text with the spans styled.  Text is data, never markup."""
        from rich.text import Text

        out = Text(self.text)
        for span in self.spans:
            out.stylize(style, span.start, span.end)
        return out


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    outlet: str | None
    date: str | None
    path: str
    score: float
    snippet: Snippet
    url: str | None = None
    story: str | None = None
    rank: int = 0


@dataclass(frozen=True)
class SearchResults:
    query: str
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None  # did-you-mean, a whole corrected query
    message: str | None = None  # one-line note, e.g. how a malformed query was read
    terms: tuple[str, ...] = ()  # query words to highlight in the reading view
    elapsed_ms: float = 0.0


@dataclass(frozen=True)
class IndexProgress:
    """One progress tick from the indexer (the CLI draws a Rich bar, the app a footer gauge)."""

    done: int
    total: int
    path: str = ""
    phase: str = "indexing"  # "scanning", "indexing", "committing", "stories"


@dataclass(frozen=True)
class IndexReport:
    """What an index update did; ``skipped`` carries a reason per file."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: tuple[Skipped, ...] = ()
    elapsed: float = 0.0
    documents: int = 0  # documents in the index afterwards
    caught_up: bool = False  # finished the story grouping an interrupted run left


@dataclass(frozen=True)
class Mention:
    """One entity mention inside an article.

    ``paragraph`` indexes ``Article.paragraphs``; -1 means the title.  Offsets are
    character offsets into that paragraph (or the title).
    """

    paragraph: int
    start: int
    end: int
    text: str
    type: str  # PERSON, ORG, GPE, LOC, NORP, EVENT, FAC, LAW, DATE
    entity_id: str
    canonical: str


@dataclass(frozen=True)
class Story:
    """Articles that report the same event."""

    id: str
    label: str
    article_ids: tuple[str, ...]
    date: str | None = None
