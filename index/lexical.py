"""Words, stems, names and numbers: the shared vocabulary of alignment and story grouping.

Cheap, dependency-light signals that work without the entity recogniser:
- content words stemmed with Whoosh's Porter2 stemmer, weighted by rarity (an index's
  IDF when given, else wordfreq's general-English frequency);
- capitalised names, with a loose key so "Korea"/"Korean" and "Japan"/"Japanese" meet,
  and initials of multi-word names so "United States"/"U.S."/"US" and
  "North Korea"/"N.K." meet;
- numbers (digits or spelled out), months and weekdays.
"""

from __future__ import annotations

import contextlib
import math
import re
import struct
import sys
import threading
from array import array
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

from whoosh.lang.porter2 import stem as _porter2

from .files import replace_file

IdfFn = Callable[[str], float]

STOPWORDS = frozenset(
    """a about above across after again against all almost also although always am among an
    and another any anyone anything are around as at be became because become been before
    being below between both but by can could did do does doing done down during each
    either else ever every few for from further had has have having he her here hers
    herself him himself his how however i if in into is it its itself just least less
    like may me might mine more most much must my myself neither no nor not now of off
    often on once one only onto or other others our ours ourselves out over own per
    perhaps quite rather said same says say saying see seen several shall she should
    since so some such than that the their theirs them themselves then there these they
    this those though through thus to too toward towards under until up upon us very via
    was we were what whatever when where whether which while who whom whose why will
    with within without would yet you your yours yourself also told according mr mrs ms
    s t re ve ll d m""".split()
)

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "million": 1_000_000, "billion": 1_000_000_000, "dozen": 12, "first": 1, "second": 2,
    "third": 3, "fourth": 4, "fifth": 5,
}  # fmt: skip
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 1,
    "tuesday": 2,
    "wednesday": 3,
    "thursday": 4,
    "friday": 5,
    "saturday": 6,
    "sunday": 7,
}
# Lower-case words allowed inside a multi-word name ("Republic of Korea", "Bank of America").
NAME_JOINERS = frozenset({"of", "de", "la", "du", "van", "von", "al", "bin"})

_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Za-z]+(?:['’][A-Za-z]+)*|\d+(?:[.,:]\d+)*")
_POSSESSIVE = re.compile(r"['’]s?$")


class Token(NamedTuple):
    """A word, acronym or number with its offsets in the source text."""

    text: str
    start: int
    end: int
    kind: str  # "word", "acronym", "number"
    lower: str  # lower case, possessive stripped, dots removed from acronyms
    capitalised: bool


@lru_cache(maxsize=4096)
def tokenize(text: str) -> tuple[Token, ...]:
    """Tokens of a text (cached: alignment looks at the same sentences several times)."""
    out: list[Token] = []
    append = out.append
    for m in _TOKEN.finditer(text):
        raw = m.group()
        start, end = m.span()
        first = raw[0]
        if first.isdigit():
            append(Token(raw, start, end, "number", raw.replace(",", ""), False))
        elif "." in raw:
            append(Token(raw, start, end, "acronym", raw.replace(".", "").lower(), True))
        else:
            low = raw.lower()
            if "'" in raw or "’" in raw:
                low = _POSSESSIVE.sub("", low).replace("’", "'")
            cap = first.isupper()
            kind = "acronym" if cap and 2 <= len(raw) <= 6 and raw.isupper() else "word"
            append(Token(raw, start, end, kind, low, cap))
    return tuple(out)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _porter2(word)


@lru_cache(maxsize=200_000)
def rarity(word: str) -> float:
    """How informative a word is in general English: ~0.3 for "said", ~4 for "hamada"."""
    return max(0.3, 6.6 - zipf(word))


_NO_FREQUENCY = 1e-9  # wordfreq's floor for an unknown word (Zipf 0)


def zipf(word: str) -> float:
    """wordfreq's ``zipf_frequency(word, "en")``, looked up directly for a plain
    lower-case ASCII word: such a word is its own single token, so wordfreq's
    tokenizer can be skipped (2.3 µs a word instead of 11; a 100k corpus pass
    weighs ~300k distinct words)."""
    if not is_plain(word):
        from wordfreq import zipf_frequency

        return zipf_frequency(word, "en")
    freq = FREQUENCIES.get(word)
    if freq is None or freq <= _NO_FREQUENCY:
        freq = _NO_FREQUENCY
    else:  # wordfreq keeps three significant digits
        freq = round(freq, math.floor(-math.log(freq, 10)) + 3)
    return round(math.log(freq, 10) + 9, 2)  # wordfreq's freq_to_zipf


def is_plain(word: str) -> bool:
    """A lower-case ASCII word: its frequency is one lookup, without loading wordfreq."""
    return word.isascii() and word.isalpha() and word.islower()


DICT_AFTER = 20_000  # lookups after which a process loads wordfreq's own dict


class Frequencies:
    """wordfreq's English word frequencies ("best" list), for plain words.

    wordfreq builds a 321k-word dict on first use: importing it and building the dict
    cost ~0.3 s, most of a one-file update that looks up a few thousand words.  So a
    process' first ``DICT_AFTER`` lookups bisect a sorted copy of the list kept in the
    cache folder (read in a few ms, ~6 µs a lookup); a process that looks up more
    (a build) loads the dict.  The copy is made from the dict the first time, named
    after the wordfreq version, and rebuilt if damaged.
    """

    def __init__(self, folder: Callable[[], Path] | None = None) -> None:
        self._folder = folder or _frequency_folder
        self._dict: dict[str, float] | None = None
        self._sorted: _SortedWords | None = None
        self._lookups = 0
        self._lock = threading.Lock()

    def get(self, word: str) -> float | None:
        if self._dict is not None:
            return self._dict.get(word)
        self._lookups += 1
        if self._lookups <= DICT_AFTER:
            table = self._sorted or self._open()
            if table is not None:
                return table.get(word)
        return self._load_dict().get(word)

    def _load_dict(self) -> dict[str, float]:
        from wordfreq import get_frequency_dict

        self._dict = get_frequency_dict("en", "best")
        return self._dict

    def _open(self) -> _SortedWords | None:
        with self._lock:
            if self._sorted is None and self._dict is None:
                path = self._folder() / f"en-best-{package_version('wordfreq')}-{sys.byteorder}.bin"
                self._sorted = _SortedWords.read(path)
                if self._sorted is None:  # first use here, or damaged: make it
                    self._sorted = _SortedWords.write(path, self._load_dict())
            return self._sorted


class _SortedWords:
    """Words sorted by their UTF-8 bytes, in one blob, with their frequencies."""

    MAGIC = b"rdrwf001"

    def __init__(self, offsets: array, freqs: array, blob: bytes) -> None:
        self.offsets, self.freqs, self.blob = offsets, freqs, blob
        self.n = len(freqs)

    def get(self, word: str) -> float | None:
        key = word.encode("utf-8")
        off, blob = self.offsets, self.blob
        lo, hi = 0, self.n
        while lo < hi:
            mid = (lo + hi) >> 1
            if blob[off[mid] : off[mid + 1]] < key:
                lo = mid + 1
            else:
                hi = mid
        if lo < self.n and blob[off[lo] : off[lo + 1]] == key:
            return self.freqs[lo]
        return None

    @classmethod
    def read(cls, path: Path) -> _SortedWords | None:
        try:
            data = path.read_bytes()
            magic, n = struct.unpack_from("<8sI", data)
            if magic != cls.MAGIC:
                return None
            offsets, freqs = array("I"), array("d")
            at = 12
            offsets.frombytes(data[at : at + 4 * (n + 1)])
            at += 4 * (n + 1)
            freqs.frombytes(data[at : at + 8 * n])
            at += 8 * n
            blob = data[at:]
            if len(offsets) != n + 1 or len(freqs) != n or offsets[-1] != len(blob):
                return None
            return cls(offsets, freqs, blob)
        except (OSError, struct.error, ValueError):
            return None

    @classmethod
    def write(cls, path: Path, frequencies: dict[str, float]) -> _SortedWords:
        """The table of ``frequencies``, saved to ``path`` when possible (atomically)."""
        keys = sorted(w.encode("utf-8") for w in frequencies)
        offsets = array("I", [0])
        total = 0
        for k in keys:
            total += len(k)
            offsets.append(total)
        freqs = array("d", [frequencies[k.decode("utf-8")] for k in keys])
        table = cls(offsets, freqs, b"".join(keys))
        head = struct.pack("<8sI", cls.MAGIC, len(freqs))
        # a read-only cache: this process keeps its table in memory
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(path, b"".join([head, offsets.tobytes(), freqs.tobytes(), table.blob]))
        return table


def _frequency_folder() -> Path:
    from .paths import cache_root

    return cache_root() / "words"


def package_version(dist: str) -> str:
    """An installed distribution's version, for naming cache files made from its data."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


FREQUENCIES = Frequencies()


def weight_fn(idf: IdfFn | None) -> Callable[[str], float]:
    """A word -> weight function.  With the index's IDF, the geometric mean of that and
    general-English rarity: the corpus knows which words are common *here* (every
    article of a Korea corpus says "Korea"), wordfreq knows which are common anywhere
    (a six-article corpus cannot tell "said" from "Tamm").  Words the index cannot
    rate fall back to rarity alone."""
    if idf is None:
        return rarity

    @lru_cache(maxsize=100_000)
    def weight(word: str) -> float:
        try:
            value = float(idf(word))
        except Exception:  # an index that cannot answer must not break a comparison
            value = float("nan")
        if not math.isfinite(value) or value <= 0:
            return rarity(word)
        return max(0.3, math.sqrt(value * rarity(word)))

    return weight


def name_key(lower: str) -> str:
    """Loose key that joins a place and its demonym ("korea"/"korean", "japan"/"japanese",
    "russia"/"russian") at the cost of rare collisions between long names."""
    return lower[:5]


def number_value(token: Token) -> str | None:
    """Canonical value of a number token or number word, else None."""
    if token.kind == "number":
        text = token.lower
        if re.fullmatch(r"\d+\.0+", text):
            text = text.split(".")[0]
        return text.lstrip("0") or "0"
    n = NUMBER_WORDS.get(token.lower)
    return None if n is None else str(n)


def is_title_case(tokens: Sequence[Token]) -> bool:
    """A headline written In Title Case: capitals say nothing about names there."""
    words = [t for t in tokens if t.kind == "word" and t.lower not in STOPWORDS]
    if len(words) < 3:
        return False
    return sum(t.capitalised for t in words) >= 0.75 * len(words)


def name_vocabulary(sentences: Iterable[str | Sequence[Token]]) -> frozenset[str]:
    """Lower-case words that look like names in these sentences (texts or their tokens):
    seen capitalised somewhere other than the start of a sentence, never in lower case."""
    capital: set[str] = set()
    lower: set[str] = set()
    for item in sentences:
        tokens = tokenize(item) if isinstance(item, str) else item
        if is_title_case(tokens):
            continue
        for i, t in enumerate(tokens):
            if t.kind != "word":
                continue
            if t.text[0].islower():
                lower.add(t.lower)
            elif i > 0 and t.lower not in STOPWORDS:
                capital.add(t.lower)
    return frozenset(capital - lower)


def name_runs(text: str, tokens: Sequence[Token], names: frozenset[str]) -> list[list[Token]]:
    """Maximal runs of name words (and initials) separated only by spaces, e.g.
    "Lloyd J. Austin", "S. Korea", "Democratic People's Republic of Korea"."""
    runs: list[list[Token]] = []
    current: list[Token] = []
    for t in tokens:
        if current:
            last = current[-1]
            if t.start != last.end + 1 or text[last.end] != " ":
                gap = text[last.end : t.start].strip()
                if gap and not (gap == "." and len(last.text) == 1):
                    runs.append(current)
                    current = []
        if t.capitalised and (
            t.kind == "acronym" or (t.kind == "word" and (len(t.text) == 1 or t.lower in names))
        ):
            current.append(t)
        elif current and t.lower in NAME_JOINERS and not t.capitalised:
            current.append(t)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    out = []
    for run in runs:
        while run and run[-1].lower in NAME_JOINERS and not run[-1].capitalised:
            run.pop()
        if run and not (len(run) == 1 and len(run[0].text) == 1):
            out.append(run)
    return out


def initials(run: list[Token]) -> str | None:
    """Initials of a multi-word name: "United States" -> "us", "S. Korea" -> "sk"."""
    parts = [t for t in run if not (t.lower in NAME_JOINERS and not t.capitalised)]
    if len(parts) < 2 or len(parts) > 5 or any(t.kind == "number" for t in parts):
        return None
    letters = []
    for t in parts:
        if t.kind == "acronym":
            return None  # "UN Security Council": the acronym already speaks
        letters.append(t.lower[0])
    return "".join(letters)
