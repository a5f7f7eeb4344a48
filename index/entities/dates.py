"""DATE mentions: explicit calendar expressions, normalised to ISO where possible.

Relative phrases ("last year", "this month") are left out: without the article's date
they cannot be resolved, and highlighting them adds noise rather than information.
Speed: a cheap anchor search (month, weekday, year) finds the few places worth a
full match, so text without dates costs one regex scan.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .cues import MONTHS, WEEKDAYS

_MONTH_NUM = {m.lower(): i for i, m in enumerate(MONTHS, 1)}
_MONTH_NUM.update({m[:3].lower(): i for i, m in enumerate(MONTHS, 1)})
_MONTH_NUM["sept"] = 9

_MONTH = r"(?:(?:" + "|".join(MONTHS) + r")\b|(?:Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\.)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[6-9]\d\d|20\d\d)"
_WEEKDAY = r"(?:" + "|".join(WEEKDAYS) + r")"

# Charset-first, so the regex engine skips most positions without trying a branch;
# the second letters keep most capitalised words ("The", "Minister") out of the loop.
_ANCHOR = re.compile(
    r"[JFMASONDTW](?:an|eb|a[ry]|pr|u[nl]|ug|ep|ct|ov|ec|on|ue|ed|hu|ri|at|un)|[12]\d\d\d"
)
_ANCHOR_WORDS = frozenset(
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec Mon Tue Wed Thu Fri Sat Sun".split()
)
_AT = re.compile(
    rf"(?P<full>(?:{_WEEKDAY},?\s+)?{_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?)"
    rf"|(?P<my>{_MONTH}\s+{_YEAR}\b)"
    rf"|(?P<m>{_MONTH})"
    rf"|(?P<wd>{_WEEKDAY}\b)"
    rf"|(?P<y>{_YEAR}\b)"
)
_DAY_BEFORE = re.compile(rf"\b({_DAY})\s+$")
_PREP_BEFORE = re.compile(
    r"\b(?:in|since|until|by|from|during|before|after|of|early|late|mid|last|next|this|year)\s+$",
    re.I,
)


@lru_cache(maxsize=16384)
def normalise_date(text: str) -> str:
    """ISO ``yyyy-mm-dd`` / ``yyyy-mm`` when the text says enough, else the text itself."""
    words = re.findall(r"[A-Za-z]+|\d+", text)
    year = next((w for w in words if len(w) == 4 and w.isdigit()), None)
    month = next((_MONTH_NUM[w.lower()] for w in words if w.lower() in _MONTH_NUM), None)
    day = next((w for w in words if w.isdigit() and len(w) <= 2), None)
    if year and month and day:
        return f"{year}-{month:02d}-{int(day):02d}"
    if year and month:
        return f"{year}-{month:02d}"
    if year and not month:
        return year
    return " ".join(text.replace(",", " ").split())


def find_dates(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each date expression in ``text``."""
    out: list[tuple[int, int]] = []
    last = 0
    for anchor in _ANCHOR.finditer(text):
        pos = anchor.start()
        if pos < last or (pos and text[pos - 1].isalnum()):
            continue
        word = anchor.group()
        if word[0].isalpha() and word not in _ANCHOR_WORDS:
            continue
        m = _AT.match(text, pos)
        if m is None:
            continue
        start, end, kind = m.start(), m.end(), m.lastgroup
        before = text[max(0, start - 12) : start]
        if kind in ("m", "my"):
            day = _DAY_BEFORE.search(before)
            if day:  # "2 June (2023)"
                start -= len(before) - day.start(1)
            elif kind == "m" and not _PREP_BEFORE.search(before):
                continue  # "May" the verb or the name; "in May" the month
        elif kind == "y" and not _PREP_BEFORE.search(before):
            continue
        out.append((start, end))
        last = end
    return out
