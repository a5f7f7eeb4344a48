"""The Whoosh schema: what is searchable, sortable, facetable and stored per article.

Body text is indexed with positions (phrase queries); snippets find their words in
the stored text (search.make_snippet), so no character offsets are kept: they made
the index 12% larger and every cold posting read slower.  Indexes built with them
still work.  The whole Article is stored as compressed JSON so ``Library.get``
never needs the source file.
"""

from __future__ import annotations

import json
import re
import zlib
from datetime import datetime
from typing import Any

from whoosh.analysis import IDTokenizer, LowercaseFilter
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, Schema

from . import whoosh_patches  # noqa: F401  (performance fixes, applied on import)
from .analysis import FastText
from .model import Article, join_paragraphs

SCHEMA_VERSION = 1
TITLE_BOOST = 2.0

_SURROGATE = re.compile("[\ud800-\udfff]")
_EXACT_CI = IDTokenizer() | LowercaseFilter()  # case-insensitive exact match


def build_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        path=ID(stored=True),
        # Stop words stay in the index so phrases like "state of the union" match exactly.
        title=FastText(stored=True, field_boost=TITLE_BOOST),
        body=FastText(),
        outlet=ID(stored=True, sortable=True, analyzer=_EXACT_CI),
        date=DATETIME(stored=True),
        # yyyymmdd, 0 when unknown: sorts undated articles last and feeds the month facet.
        sortdate=NUMERIC(int, bits=32, signed=False, sortable=True, default=0),
        entity=KEYWORD(stored=True, commas=True, scorable=True, lowercase=True, sortable=True),
        story=ID(stored=True, sortable=True),
        # sortable: a location-independent tie-break for same-day articles (facets.py)
        hash=ID(stored=True, sortable=True),
        url=STORED(),
        article=STORED(),
    )


def path_key(path: str) -> str:
    """The indexed form of a source path: always valid UTF-8.

    File names that are not UTF-8 reach Python as lone surrogates, which Whoosh
    cannot store; they are escaped here (the real path stays in the article blob).
    """
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def pack_article(article: Article) -> bytes:
    data = article.to_dict()
    if article.raw == article.body:
        # most articles: the source text was clean already, so it is not stored twice
        # (half the JSON to write and compress)
        del data["raw"]
        data["raw_is_body"] = True
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 6)


def unpack_article(blob: bytes) -> Article:
    data = json.loads(zlib.decompress(blob).decode("utf-8", "surrogatepass"))
    if data.pop("raw_is_body", False):
        data["raw"] = join_paragraphs(data.get("paragraphs") or ())
    return Article.from_dict(data)


def parse_date(value: str | None) -> datetime | None:
    """ISO yyyy[-mm[-dd]] -> datetime (missing parts = 1), None when unparseable."""
    if not value:
        return None
    parts = value.strip()[:10].split("-")
    try:
        nums = [int(p) for p in parts if p]
        while len(nums) < 3:
            nums.append(1)
        return datetime(nums[0], nums[1], nums[2])
    except (ValueError, IndexError):
        return None


def _indexable(text: str) -> str:
    """Lone surrogates cannot be UTF-8 encoded; same length keeps char offsets valid."""
    return _SURROGATE.sub("\ufffd", text)


def entity_names(value: str | None) -> list[str]:
    """The names in an indexed ``entity`` value (the reverse of ``document``'s join)."""
    return [e for e in (value or "").split(",") if e]


def document(article: Article, entities: list[str], story: str | None) -> dict[str, Any]:
    """The field values Whoosh indexes for one article."""
    doc: dict[str, Any] = {
        "id": article.id,
        "path": path_key(article.path),
        "title": _indexable(article.title or ""),
        "body": _indexable(article.body),
        "hash": article.content_hash,
        "url": article.url,
        "article": pack_article(article),
    }
    if article.outlet:
        doc["outlet"] = article.outlet
    when = parse_date(article.date)
    if when is not None:
        doc["date"] = when
        doc["sortdate"] = when.year * 10000 + when.month * 100 + when.day
    if entities:
        doc["entity"] = ",".join(e.replace(",", " ") for e in entities)
    if story:
        doc["story"] = story
    return doc
