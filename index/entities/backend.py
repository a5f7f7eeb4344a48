"""Which recogniser runs: the built-in rules, or spaCy's NER when it is installed.

``READER_NER=rules|spacy|auto`` (default ``auto``) or ``set_backend()`` choose.  In
``auto`` mode spaCy is used only if it and an English pipeline import; anything
else falls back to the rules silently.  Either way the gazetteer and alias layer
and the per-article resolution run on top, so ids and canonical names agree.
"""

from __future__ import annotations

import copy
import os
from collections import OrderedDict

from ..model import Article
from .gazetteer import load_gazetteer
from .recognise import Recogniser, SegmentScan
from .resolve import ArticleEntity, home_country, resolve, scan_article

_BACKENDS = ("auto", "rules", "spacy")
_state: dict[str, object] = {"choice": None, "resolved": None}
_cache: OrderedDict[tuple, tuple[list[ArticleEntity], set[str]]] = OrderedDict()
_CACHE_SIZE = 64


def set_backend(name: str | None) -> None:
    """Force a backend ("rules", "spacy", "auto"); None returns to ``$READER_NER``."""
    if name is not None and name not in _BACKENDS:
        raise ValueError(f"unknown entity backend {name!r}; choose one of {', '.join(_BACKENDS)}")
    _state["choice"] = name
    _state["resolved"] = None
    _cache.clear()


def active_backend() -> str:
    """ "rules" or "spacy:<pipeline>", after auto-detection."""
    resolved = _state["resolved"]
    if resolved is None:
        choice = _state["choice"] or os.environ.get("READER_NER", "auto")
        resolved = "rules"
        if choice in ("auto", "spacy"):
            from . import spacy_backend

            name = spacy_backend.pipeline_name()
            if name:
                resolved = f"spacy:{name}"
        _state["resolved"] = resolved
    return str(resolved)


def recogniser() -> Recogniser:
    """The recogniser for the current alias files (rebuilt when they or the dirs change)."""
    from . import gazetteer

    stamp = (
        os.environ.get("XDG_CONFIG_HOME"),
        os.environ.get("READER_CACHE_DIR"),
        gazetteer.GENERATION,
    )
    rec = _state.get("rec")
    if not isinstance(rec, Recogniser) or _state.get("stamp") != stamp:
        rec = Recogniser(load_gazetteer())
        _state["rec"], _state["stamp"] = rec, stamp
    return rec


def scan(article: Article) -> SegmentScan:
    backend = active_backend()
    rec = recogniser()
    if backend.startswith("spacy:"):
        from . import spacy_backend

        result = spacy_backend.scan_article(article, rec)
        if result is not None:
            return result
    return scan_article(article, rec)


def analyse(
    article: Article, corpus: dict[str, str] | None = None, found: SegmentScan | None = None
) -> tuple[list[ArticleEntity], set[str]]:
    """The article's entities and the keys of capitalised runs left unknown; ``corpus``
    (name key -> type, from ``EntityIndex``) types runs other articles confirmed;
    ``found`` reuses a scan of this article (resolution works on a copy)."""
    key = (
        article.id,
        article.content_hash or hash(article.paragraphs),
        article.title,
        active_backend(),
    )
    hit = _cache.get(key) if corpus is None and found is None else None
    if hit is not None:
        _cache.move_to_end(key)
        return hit
    found = copy_scan(found) if found is not None else scan(article)
    rec = recogniser()
    entities = resolve(found, rec.gaz.ignore, home_country(article, found, rec), corpus)
    result = (entities, found.unresolved)
    if corpus is None:
        _cache[key] = result
        if len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def copy_scan(found: SegmentScan) -> SegmentScan:
    """A copy resolution may change (it types candidates in place)."""
    twins = {id(c): copy.copy(c) for c in found.cands}
    return SegmentScan(
        cands=list(twins.values()),
        links=[(twins.get(id(a), a), twins.get(id(b), b)) for a, b in found.links],
        not_entities=set(found.not_entities),
        aka=[(twins.get(id(c), c), t) for c, t in found.aka],
    )


def article_entities(article: Article) -> list[ArticleEntity]:
    """The article's entities (cached for the last few articles: the app asks twice)."""
    return analyse(article)[0]
