"""Article metadata that saved pages mix into the body: dateline, byline, copyright.

Each reader returns what it found on one normalised line (or ``None``), so
``index.clean`` decides what to remove.  Datelines stay in their paragraph (they are
part of the lead sentence); bylines and copyright lines leave the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MAX_LINE = 300  # metadata lines are short; longer lines are never examined

# All-caps labels that open a paragraph like a dateline but are not places.
_LABELS = {
    "UPDATE",
    "UPDATED",
    "BREAKING",
    "EXCLUSIVE",
    "WATCH",
    "NOTE",
    "EDITOR'S NOTE",
    "ANALYSIS",
    "OPINION",
    "LIVE",
    "PHOTOS",
    "PHOTO",
    "VIDEO",
    "FILE",
    "CORRECTION",
    "CLARIFICATION",
    "Q",
    "A",
}

# "SEOUL (Yonhap):", "JAKARTA -", "WASHINGTON, June 3 (Reuters) -", "LONDON —".
_DATELINE = re.compile(
    r"^(?P<city>[A-Z][A-Z'’.\-]+(?:[ /][A-Z][A-Z'’.\-]+){0,3})"
    r"(?:,\s*(?P<region>[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?))?"
    r"(?:,\s*(?P<when>[A-Z][a-z]{2,8}\.? \d{1,2}))?"
    r"(?:\s*\((?P<agency>[A-Z][\w.&'’ -]{1,40})\))?"
    r"\s*(?:[-–—:]+)\s+(?=\S)"
)

# "By Jane Doe", "By Chae-Mu, Im <x@y.kr >", "Written by ...", "Reporting by ...".
_BYLINE = re.compile(
    r"^(?:by|written by|words by|reporting by|story by|posted by|author:?)\s+(?P<who>.+?)\s*$", re.I
)
_EMAIL = re.compile(r"<?\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*>?|\(?[\w.+-]+@[\w-]+(?:\.[\w-]+)+\)?")
_NAME_WORD = re.compile(r"^[A-Z\u00c0-\u024f][\w'’.\-]*,?$")
_NAME_JOINERS = {"and", "&", "de", "van", "von", "der", "da", "di", "la", "le", "bin", "al", "al-"}

# "<Copyright ⓒ X, All rights reserved>", "© 2023 Reuters. All rights reserved.", "Copyright (c) X".
_COPYRIGHT = re.compile(r"^[<(\[]?\s*(?:copyright\b|©|ⓒ|\(c\)\s*\d{4})", re.I)
_COPYRIGHT_TRIM = re.compile(
    r"copyright|©|ⓒ|\(c\)|all rights reserved\.?|\b(?:19|20)\d{2}\b(?:\s*[-–]\s*(?:19|20)\d{2})?",
    re.I,
)
_COPYRIGHT_CLAIM = re.compile(r"copyright|rights reserved|\b(?:19|20)\d{2}\b", re.I)
_HOLDER_SPLIT = re.compile(
    r"[.;|]\s|,\s*(?=all rights|unauthori[sz]ed|reproduction|redistribution)", re.I
)


@dataclass(frozen=True)
class Dateline:
    text: str  # "SEOUL (Yonhap)" or "JAKARTA"
    agency: str | None  # "Yonhap"


def find_dateline(paragraph: str) -> Dateline | None:
    """The dateline that opens a lead paragraph, if any."""
    m = _DATELINE.match(paragraph[:_MAX_LINE])
    if not m:
        return None
    city = m.group("city")
    if city.replace("’", "'") in _LABELS:
        return None
    letters = [ch for ch in city if ch.isalpha()]
    if len(letters) < 3 and not m.group("agency"):
        return None  # "US - ..." is more likely a sentence than a dateline
    if not any(ch.islower() for ch in paragraph[m.end() : m.end() + 200]):
        return None  # an all-caps line, not a lead paragraph
    text = paragraph[: m.end()].rstrip(" -–—:")
    return Dateline(text=text.strip(), agency=(m.group("agency") or "").strip() or None)


def find_byline(line: str) -> str | None:
    """The author credit of a 'By Name' line (with any e-mail kept), or None."""
    if len(line) > _MAX_LINE:
        return None
    m = _BYLINE.match(line)
    if not m:
        return None
    who = m.group("who").strip()
    names = _EMAIL.sub(" ", who)
    names = re.sub(r"\s*[,/|]\s*", " ", names)
    words = [w for w in names.split() if w.lower() not in _NAME_JOINERS]
    if not words or len(words) > 8:
        return None
    if not all(_NAME_WORD.match(w) for w in words):
        return None  # "By Friday, the ministers ..." is a sentence
    if who.endswith(".") and not _EMAIL.search(who) and len(words) > 3:
        return None
    return who


def find_copyright(line: str) -> tuple[str, str | None] | None:
    """``(copyright line, holder)`` for a copyright notice; the holder may be None."""
    if len(line) > _MAX_LINE or not _COPYRIGHT.match(line):
        return None
    if not _COPYRIGHT_CLAIM.search(line):
        return None  # "© Agency/Photographer" is a photo credit, not the page's notice
    inner = line.strip().strip("<>[]()").strip()
    holder_text = _HOLDER_SPLIT.split(_COPYRIGHT_TRIM.sub(" ", inner))[0]
    holder = re.sub(r"\s+", " ", holder_text).strip(" ,.-–—:;<>()[]")
    if not holder or not any(ch.isalpha() for ch in holder) or len(holder.split()) > 8:
        holder = None
    return line.strip(), holder
