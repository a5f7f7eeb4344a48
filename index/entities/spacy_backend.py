"""Optional upgrade: spaCy's statistical NER, with the gazetteer and alias layer on top.

Used only when spaCy and an English pipeline import (``READER_SPACY_MODEL`` names
one; otherwise the largest ``en_core_web_*`` installed).  Nothing is downloaded.
spaCy finds names the rules have no cue for; the rules still decide what the
gazetteer knows (so "Pyongyang" stays North Korea), titles, acronyms defined in the
text and datelines, and the project's span conventions (no leading "the", no
possessive, no title inside a person) are applied to spaCy's spans.
"""

from __future__ import annotations

import importlib.util
import os
import re
from typing import Any

from ..model import Article
from .cues import TITLE_DOMAIN, TITLES
from .recognise import Cand, Recogniser, SegmentScan

# spaCy (OntoNotes) label -> ours; PRODUCT joins FAC as the gold schema does.
LABELS = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "GPE",
    "LOC": "LOC",
    "NORP": "NORP",
    "EVENT": "EVENT",
    "FAC": "FAC",
    "LAW": "LAW",
    "DATE": "DATE",
    "PRODUCT": "FAC",
}
PIPELINES = ("en_core_web_trf", "en_core_web_lg", "en_core_web_md", "en_core_web_sm")
# What the rules decide even when spaCy disagrees.
_RULE_WINS = (
    "gazetteer",
    "dateline",
    "dateline-agency",
    "acronym-def",
    "title",
    "head",
    "date",
    "product",
)
_LEADING = re.compile(r"^(?:the|The|THE)\s+")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")

_state: dict[str, Any] = {}


def pipeline_name() -> str | None:
    """The English pipeline that would be used, or None (spaCy or models missing)."""
    if "name" in _state:
        return _state["name"]
    name = None
    if importlib.util.find_spec("spacy") is not None:
        wanted = os.environ.get("READER_SPACY_MODEL")
        for candidate in [wanted] if wanted else PIPELINES:
            if candidate and importlib.util.find_spec(candidate) is not None:
                name = candidate
                break
    _state["name"] = name
    return name


def _load_pipeline(name: str) -> Any:
    import spacy

    return spacy.load(name, exclude=["lemmatizer", "textcat"])


def nlp() -> Any | None:
    """The loaded pipeline (once per process), or None if it cannot be loaded."""
    if "nlp" not in _state:
        name = pipeline_name()
        try:
            _state["nlp"] = _load_pipeline(name) if name else None
        except Exception:  # a broken model install must not break reading
            _state["nlp"] = None
    return _state["nlp"]


def reset() -> None:
    """Forget the detected pipeline (tests, or after installing a model)."""
    _state.clear()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Apply the span conventions: no leading "the", no possessive, no outer punctuation."""
    span = text[start:end]
    m = _LEADING.match(span)
    if m:
        start += m.end()
    span = text[start:end]
    m = _POSSESSIVE.search(span)
    if m and end - start > 3:
        end -= len(m.group())
    while end > start and text[end - 1] in ".,;:'\"’”)":
        if text[end - 1] == "." and re.search(
            r"(?:\b[A-Z]\.|Jr\.|Sr\.|Inc\.|Co\.)$", text[start:end]
        ):
            break
        end -= 1
    return start, end


def _spacy_cands(doc: Any, text: str, seg: int, rec: Recogniser) -> list[Cand]:
    out = []
    for ent in doc.ents:
        type_ = LABELS.get(ent.label_)
        if type_ is None:
            continue
        start, end = _trim(text, ent.start_char, ent.end_char)
        if end <= start:
            continue
        if type_ == "PERSON":
            # titles are not part of a person ("Defense Minister Lee" -> "Lee")
            words = list(re.finditer(r"\S+", text[start:end]))
            k = 0
            while k < len(words) - 1 and (
                words[k].group() in TITLES or words[k].group() in TITLE_DOMAIN
            ):
                k += 1
            start += words[k].start() if words else 0
        span = text[start:end]
        cand = Cand(seg, start, end, span, type_, evidence="spacy", words=tuple(span.split()))
        for gs, ge, entry in rec.gazetteer_matches(span):
            if gs == 0 and ge == len(span):
                cand.entry, cand.type, cand.evidence = entry, entry.type, "gazetteer"
        out.append(cand)
    return out


def _overlaps(c: Cand, kept: list[Cand]) -> bool:
    return any(k.seg == c.seg and k.start < c.end and c.start < k.end for k in kept)


def merge(rules: list[Cand], spacy: list[Cand]) -> list[Cand]:
    """Rules' confident candidates first, then spaCy's, then the rest of the rules'."""
    strong = [c for c in rules if c.entry is not None or c.evidence in _RULE_WINS]
    chosen = {id(c) for c in strong}
    kept = list(strong)
    for c in spacy:
        if not _overlaps(c, kept):
            kept.append(c)
    for c in rules:
        if id(c) not in chosen and not _overlaps(c, kept):
            kept.append(c)
    return kept


def scan_article(article: Article, rec: Recogniser) -> SegmentScan | None:
    """Candidates from spaCy and the rules, or None when no pipeline is available."""
    pipeline = nlp()
    if pipeline is None:
        return None
    segments = ([(-1, article.title)] if article.title else []) + list(
        enumerate(article.paragraphs)
    )
    texts = [t for _, t in segments]
    out = SegmentScan()
    for (seg, text), doc in zip(segments, pipeline.pipe(texts), strict=True):
        rules = SegmentScan()
        rec.scan(text, seg, rules, dateline=0 <= seg < 3)
        out.cands.extend(merge(rules.cands, _spacy_cands(doc, text, seg, rec)))
        out.links.extend(rules.links)
        out.not_entities |= rules.not_entities
        out.aka.extend(rules.aka)
    return out
