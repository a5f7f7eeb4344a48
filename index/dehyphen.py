"""Join typesetting hyphens ("Sou-th", "discu-ssed") and leave real ones ("long-range").

Saved web pages and PDFs carry hyphens from line breaking that now sit in the middle
of words.  A hyphen is a break, not a compound, when the joined form is an ordinary
English word that is much more common than the two parts used together, or when one
part is not a word at all.  Word frequencies come from ``wordfreq`` (cached), so the
rule works for any vocabulary rather than a hand list.

Genuine hyphens survive because their joined form is rare ("highlevel", "testfired"),
their second part is capitalised ("Indo-Pacific", "Korea-US"), they carry digits or
several hyphens ("Malligyong-1", "under-secretary-general"), the first part is a
single letter ("e-mail", "x-ray"), or they are names ("Jong-sup" is not a word).
Ambiguous cases ("Re-public": both halves are words) are joined only with evidence
from the same document: the joined form written elsewhere, or other clear breaks.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from .words import zipf

# A single-hyphen token made of Latin letters, not part of a longer hyphen chain.
_LETTERS = "A-Za-z\u00c0-\u024f"
# (the first part possessive: a word not followed by a hyphen fails at once instead of
# backtracking letter by letter; the matches are the same)
_CANDIDATE = re.compile(rf"(?<![\w\-\u2010\u2011])([{_LETTERS}]++)-([{_LETTERS}]+)(?![\w\-])")
_WORD = re.compile(rf"[{_LETTERS}]+")

# Zipf thresholds (log10 of frequency per billion words).
_KNOWN = 3.0  # the joined form is an ordinary word
_KNOWN_VS_FRAGMENT = 2.0  # ... enough when one part is not a word at all
_MARGIN = 1.0  # joined word this much more frequent than the parts used together
_AMBIGUOUS_KNOWN = 3.5  # both parts words: joined form must be common ...
_AMBIGUOUS_MARGIN = -1.0  # ... and not much rarer than the compound
_NOISY_DOC = 2  # clear breaks in a document that make it "noisy"


def _compound_zipf(a: float, b: float) -> float:
    """wordfreq's estimate for a two-token phrase: harmonic combination of the parts."""
    if a <= 0 or b <= 0:
        return 0.0
    fa, fb = 10.0**a, 10.0**b
    return math.log10(1.0 / (1.0 / fa + 1.0 / fb))


@dataclass(frozen=True)
class Verdict:
    """How one hyphenated token should be treated: 'join', 'maybe' (needs evidence) or 'keep'."""

    action: str
    joined: str


@lru_cache(maxsize=100_000)
def judge(left: str, right: str, *, line_break: bool = False) -> Verdict:
    """Decide whether ``left-right`` is a typesetting break.

    ``line_break`` is true when the hyphen ended a hard-wrapped line, which makes a
    break more likely, so ambiguous cases join without further evidence.
    """
    joined = left + right
    keep = Verdict("keep", joined)
    if len(left) == 1 and not line_break:
        return keep  # e-mail, x-ray, U-turn
    if right[:1].isupper() and not (left.isupper() and right.isupper()):
        return keep  # Indo-Pacific, Korea-US, Chae-Mu: capitalised parts are names
    if right.isupper() and len(right) > 1 and not left.isupper():
        return keep  # anti-US, pro-EU
    lj = joined.lower()
    zj = zipf(lj)
    if zj < _KNOWN_VS_FRAGMENT:
        return keep  # Jong-sup, highlevel: the joined form is no word
    za, zb = zipf(left.lower()), zipf(right.lower())
    if len(right) == 1:
        zb = 0.0  # a lone trailing letter ("fro-m") is a fragment, not a word
    margin = zj - _compound_zipf(za, zb)
    fragment = za == 0.0 or zb == 0.0
    if (zj >= _KNOWN or fragment) and margin >= _MARGIN:
        return Verdict("join", joined)
    if zj >= _KNOWN and margin >= _AMBIGUOUS_MARGIN:
        if line_break:
            return Verdict("join", joined)
        if zj >= _AMBIGUOUS_KNOWN:
            return Verdict("maybe", joined)
    return keep


def document_words(text: str) -> frozenset[str]:
    """Lower-cased words of a text, for the 'joined form written elsewhere' evidence."""
    return frozenset(w.lower() for w in _WORD.findall(text))


def clear_breaks(texts: list[str]) -> list[str]:
    """The joined forms of the clear typesetting breaks in the texts, in order."""
    return _clear(texts, _candidates(texts))


def _clear(texts: list[str], found: dict[str, list[re.Match[str]]]) -> list[str]:
    return [
        verdict.joined
        for text in texts
        for m in found.get(text, ())
        if (verdict := judge(m.group(1), m.group(2))).action == "join"
    ]


def _candidates(texts: list[str]) -> dict[str, list[re.Match[str]]]:
    """The hyphenated tokens of each distinct text that has any."""
    return {t: list(_CANDIDATE.finditer(t)) for t in texts if "-" in t}


class Dehyphenator:
    """Per-document dehyphenation: holds the document-level evidence for ambiguous cases.

    The evidence is the document as it reads after its clear breaks are joined, so
    running the fixer again over its own output decides every token the same way.
    """

    def __init__(self, texts: list[str]) -> None:
        self._texts = texts
        self._found = _candidates(texts)  # found once, for the evidence and for ``fix``
        self._joined = _clear(texts, self._found)
        self._words: frozenset[str] | None = None
        self.noisy = len(self._joined) >= _NOISY_DOC

    def _written_elsewhere(self, joined: str) -> bool:
        if self._words is None:
            words = document_words("\n".join(self._texts))
            self._words = words | {w.lower() for w in self._joined}
        return joined.lower() in self._words

    def _replace(self, m: re.Match[str]) -> str:
        verdict = judge(m.group(1), m.group(2))
        if verdict.action == "join":
            return verdict.joined
        if verdict.action == "maybe" and (self.noisy or self._written_elsewhere(verdict.joined)):
            return verdict.joined
        return m.group(0)

    def fix(self, text: str) -> str:
        """The text with typesetting hyphens joined."""
        if "-" not in text:
            return text
        found = self._found.get(text)
        if found is None:  # not one of the document's texts
            return _CANDIDATE.sub(self._replace, text)
        out, last = [], 0
        for m in found:
            out += (text[last : m.start()], self._replace(m))
            last = m.end()
        out.append(text[last:])
        return "".join(out)


def dehyphenate(text: str) -> str:
    """Join typesetting hyphens in one self-contained text."""
    return Dehyphenator([text]).fix(text)


def _line_break_join(first: str, second: str) -> str:
    """What goes between two wrapped lines: "" (hyphen kept or word rejoined) or " "."""
    if first.endswith("-") and len(first) >= 2 and first[-2].isalpha() and second[:1].isalpha():
        return ""
    return " "


def join_lines(lines: list[str]) -> str:
    """Join hard-wrapped lines into one paragraph (linear time, any number of lines).

    A hyphen that ended a line is dropped when the two halves make a word
    ("construc-" + "tion") and kept when they form a compound ("long-" + "term").
    """
    out: list[str] = []  # lines and the separators between them
    prev = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if prev and _line_break_join(prev, line) == "":
            left = _WORD.findall(prev[-61:-1])
            right = _WORD.match(line)
            if left and right and prev[:-1].endswith(left[-1]):
                if judge(left[-1], right.group(0), line_break=True).action == "join":
                    out[-1] = out[-1][:-1]  # each line loses its hyphen at most once
        elif prev:
            out.append(" ")
        out.append(line)
        prev = line
    return "".join(out)


def join_wrapped(first: str, second: str) -> str:
    """Join two hard-wrapped lines, resolving a hyphen that ended the first line."""
    return join_lines([first, second])
