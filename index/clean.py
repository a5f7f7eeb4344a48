"""Turn a RawDocument into a clean Article.

CONTRACT: ``clean(doc: RawDocument, *, article_id: str | None = None) -> Article``.
Cleaning never touches the source file; ``Article.raw`` keeps the original text.
"""

from __future__ import annotations

from .model import Article, RawDocument, content_hash


def article_id_for(doc: RawDocument) -> str:
    """Stable id: hash of the path (+ record id for multi-article files)."""
    key = doc.path if doc.source_id is None else f"{doc.path}#{doc.source_id}"
    return content_hash(key)[:12]


def clean(doc: RawDocument, *, article_id: str | None = None) -> Article:
    lines = [ln.strip() for ln in doc.text.splitlines()]
    paras = [ln for ln in lines if ln]
    title = doc.title or (paras.pop(0) if paras else "")
    return Article(
        id=article_id or article_id_for(doc),
        path=doc.path,
        title=title,
        paragraphs=tuple(paras),
        raw=doc.text,
        outlet=doc.outlet,
        date=doc.date,
        url=doc.url,
        byline=doc.byline,
        format=doc.format,
        source_id=doc.source_id,
        content_hash=content_hash(doc.text + (doc.title or "")),
    )
