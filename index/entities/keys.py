"""Normalised keys: what makes two spellings the same entity name.

``entity_key`` is the one the index should use for the ``entity`` field and for
queries against it: case, hyphens, dots and spacing never separate two names
("Lee Jong-sup" / "Lee Jong Sup" / "LEE JONG-SUP" -> "lee jong sup").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from .cues import CONNECTORS, NAME_SUFFIXES

_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_SEP = re.compile(r"[\s\-‐‑‒–—_/]+")
_DROP = re.compile(r"[.'\"“”(),:;!?]")
_POSSESSIVE = re.compile(r"'s?$")
# "III" is dropped from a person's key ("Lloyd J. Austin III" = "Lloyd J. Austin"), but
# "Jr."/"Sr." stay: "Donald Trump Jr." is not "Donald Trump".
_SUFFIX_KEYS = frozenset(s.lower().rstrip(".") for s in NAME_SUFFIXES) - {"jr", "sr"}
GENERATION = frozenset({"jr", "sr"})


def normalise_apostrophes(text: str) -> str:
    return text.translate(_APOS)


@lru_cache(maxsize=65536)
def entity_key(name: str) -> str:
    """Case-, hyphen-, dot- and space-insensitive key of a name ("U.S." -> "us")."""
    text = unicodedata.normalize("NFKC", name).translate(_APOS).strip()
    text = _POSSESSIVE.sub("", text)
    parts = [_DROP.sub("", p) for p in _SEP.split(text.lower())]
    parts = [p for p in parts if p]
    if len(parts) > 1 and parts[0] == "the":
        parts = parts[1:]
    return " ".join(parts)


def slug(key: str) -> str:
    return re.sub(r"[^\w]+", "-", key).strip("-") or "x"


@lru_cache(maxsize=65536)
def make_id(type_: str, key: str) -> str:
    """Stable entity id: ``type:slug`` ("gpe:north-korea", "person:lee-jong-sup")."""
    return f"{type_.lower()}:{slug(key)}"


@lru_cache(maxsize=65536)
def person_parts(name: str) -> tuple[str, ...]:
    """Lower-case name parts without generational suffixes ("Lloyd J. Austin III" ->
    ("lloyd", "j", "austin")); hyphenated given names split ("Jong-sup" -> "jong", "sup")."""
    parts = entity_key(name).split()
    return tuple(p for p in parts if p not in _SUFFIX_KEYS)


def name_edges(core: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """How a shorter mention may point at a full name: its given name or its surname,
    with its "Jr."/"Sr." if any ("Trump Jr." -> ("trump", "jr"))."""
    gen = core[-1] if core and core[-1] in GENERATION else ""
    names = core[:-1] if gen else core
    if not names:
        return ()
    return tuple(dict.fromkeys([(names[0], gen), (names[-1], gen)]))


def short_form(core: tuple[str, ...]) -> tuple[str, str] | None:
    """("trump",) -> ("trump", ""); ("trump", "jr") -> ("trump", "jr"); else None."""
    if len(core) == 1:
        return (core[0], "")
    if len(core) == 2 and core[1] in GENERATION:
        return (core[0], core[1])
    return None


def person_key(name: str) -> str:
    return " ".join(person_parts(name))


@lru_cache(maxsize=65536)
def core_parts(parts: tuple[str, ...]) -> tuple[str, ...]:
    """Parts without middle initials: "lloyd j austin" -> "lloyd austin"."""
    core = tuple(p for p in parts if len(p) > 1)
    return core or parts


# Romanisation alternates in short syllables: voiced/unvoiced pairs ("sup"/"sub", "ki"/"gi").
_VOICING = {frozenset(p) for p in ("kg", "pb", "td", "sz", "lr")}


def _short_variant(a: str, b: str) -> bool:
    if len(a) != len(b):
        return False
    diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diffs) == 1 and frozenset(diffs[0]) in _VOICING


def spelling_variant(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two person names differ by one edit in one part after the first.

    The first part (a given name in Western order, the surname in Korean order) must
    match exactly so "John Smith" and "Joan Smith" stay two people; parts of three
    letters or fewer may only swap a voiced/unvoiced consonant ("Kim Man-ki" /
    "Kim Man-gi", but not "Kim Jong-un" / "Kim Jong-in").
    """
    if a == b:
        return True
    if len(a) != len(b) or len(a) < 2 or a[0] != b[0]:
        return False
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if len(diff) != 1:
        return False
    x, y = diff[0]
    if min(len(x), len(y)) <= 3:
        return _short_variant(x, y)
    return x[0] == y[0] and Levenshtein.distance(x, y, score_cutoff=1) <= 1


def acronym_of(acronym: str, words: list[str]) -> bool:
    """Does ``acronym`` abbreviate ``words``? Each capitalised word gives its initial (an
    all-caps word may give itself: "UN Security Council" -> UNSC), hyphenated parts may
    each give one ("Information-Sharing" -> IS), connectors may give theirs or nothing
    ("General Security of Military Information Agreement" -> GSOMIA)."""
    acr = acronym.replace(".", "").upper()
    if len(acr) < 2 or not words or len(words) > 3 * len(acr):
        return False
    first = words[0].lstrip("‘'\"“(")
    if not first or (
        first[0].upper() != acr[0] and first.lower() not in CONNECTORS and first.lower() != "the"
    ):
        return False
    options: list[tuple[list[str], bool]] = []
    for w in words:
        w = w.strip("’'")
        if not w:
            continue
        low = w.lower()
        if low in CONNECTORS or low == "the":
            options.append(([low[0].upper()], True))
            continue
        choices = {w[0].upper()}
        parts = [p for p in re.split(r"[-‐]", w) if p]
        if len(parts) > 1:
            choices.add("".join(p[0].upper() for p in parts))
        if w.isupper() and w.isalpha():
            choices.add(w)
        options.append((sorted(choices, key=len, reverse=True), False))

    memo: dict[tuple[int, int], bool] = {}

    def match(i: int, j: int) -> bool:
        if i == len(options):
            return j == len(acr)
        if len(acr) - j > 4 * (len(options) - i) or j > len(acr):
            return False
        hit = memo.get((i, j))
        if hit is None:
            choices, optional = options[i]
            hit = (optional and match(i + 1, j)) or any(
                acr.startswith(c, j) and match(i + 1, j + len(c)) for c in choices
            )
            memo[(i, j)] = hit
        return hit

    return match(0, 0)
