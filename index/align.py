"""Align two articles sentence by sentence by what they report.

Each sentence becomes a bag of weighted features: stemmed content words, pairs of
neighbouring content words ("real time", "warning data": a pair is far rarer than its
words), name keys and initials (see ``index.lexical``), numbers/months/weekdays, and
one canonical feature per place the recogniser finds ("Pyongyang" = "DPRK" = "North
Korea"; its words are then not counted again).  A feature's weight is its general
rarity (the index's IDF or wordfreq) times its rarity *inside this pair of articles*,
so "North Korea" in a piece about North Korea counts for little and a shared "Hamada"
or "anti-submarine" counts for a lot.  Relative years ("by the end of the year", "last
year") are read as the year they name, so they meet "before the end of 2023".  Photo
captions ("Minister X (right) and ...") are left out.  Sentences are scored by weighted
Dice (pairs sharing fewer than MIN_SHARED things are not scored at all); quotes that
share their words are the same quote; headlines and leads get a small prior; a pair
next to an aligned pair gains part of its score (outlets retelling one statement keep
its order).  Every sentence then links to its best counterpart if that reaches FLOOR
(ANCHOR_FLOOR when the two alone in their articles share two things: a strait, a
phrase), so a sentence that sums up two of the other article's sentences aligns with
both (many-to-one from either side).  Two matching headlines link only to each other;
decks and crossheads link only to the other headline block.  Quotes from named
speakers who differ are not the same quote, however alike their words.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .lexical import (
    MONTHS,
    STOPWORDS,
    WEEKDAYS,
    IdfFn,
    Token,
    initials,
    is_title_case,
    name_key,
    name_runs,
    name_vocabulary,
    number_value,
    stem,
    tokenize,
    weight_fn,
)
from .model import Article, Mention, Span
from .quotes import Quote, find_quotes, quote_similarity
from .sentences import TITLE_PARAGRAPH, Sentence, split_sentences

SAME_QUOTE, SAME_FACT, PARTIAL = "same_quote", "same_fact", "partial"
SHARED, ONLY_A, ONLY_B = "shared", "only_a", "only_b"

# Scores are weighted Dice coefficients (0..1).  A sentence links to its best
# counterpart when that score reaches FLOOR; FACT separates a sentence that carries the
# same claim from one that overlaps on a sub-fact.  On the gold seed pairs FLOOR
# 0.16-0.18 gives F1 0.76 with CONTEXT 0.3 (0.71-0.73 with CONTEXT 0.2 or 0.4, 0.69-0.70
# without context; FLOOR 0.14 or 0.20 falls to ~0.69): few pairs, so no peak worth
# chasing; pairs were also read by eye on same-event BASIL pairs from three outlets
# (benchmarks/align_bench.py --basil N).  Decks, speaker agreement and anchors then
# took the gold F1 from 0.76 to 0.80; on 219 BASIL pairs anchors add ~6% more links,
# read by eye as mostly right (same figures, same statement) with some stray ones.
FLOOR = 0.16
FACT = 0.30
QUOTE = 0.6  # quote_similarity needed to call two quotes the same
QUOTE_WORDS = 3  # shared quote words that alone make two quotes the same
ANCHORS = 2  # features only these two sentences have that make a pair anchored
ANCHOR_FLOOR = 0.10  # an anchored pair's floor (0.10-0.12 equal on the gold; 1 anchor is noise)
CONTEXT = 0.3  # share of an aligned neighbouring pair's score a pair gains (see _context)
LEAD = 0.1  # inverted pyramid: headlines, and first body sentences, usually carry the main fact
LOCAL_POWER = 2.0  # how hard to discount words repeated all over these two articles
NAME_BOOST = 1.5
NUMBER_WEIGHT = 4.0  # weight of a shared specific number
MIN_SHARED = 2  # shared words/names/numbers a pair needs, whatever its cosine
ENTITY_WEIGHT = 4.0
BIGRAM = 1.0  # weight of two content words side by side ("real time", "warning data")
BIGRAM_GAP = 3  # tokens apart at most (stop words between them: "end of the year")


@dataclass(frozen=True)
class WordDiff:
    """Word-level comparison of an aligned pair; spans are sentence-local offsets.
    ``kind`` is "same" for words both sentences share (in order), "changed" otherwise."""

    a: tuple[Span, ...]
    b: tuple[Span, ...]


@dataclass(frozen=True)
class AlignedPair:
    a_idx: int
    b_idx: int
    kind: str  # same_quote / same_fact / partial
    score: float
    diff: WordDiff
    shared_terms: tuple[str, ...] = ()  # the words that carried the match, for explaining it


@dataclass(frozen=True)
class Row:
    """One display row.  ``a``/``b`` index the sentences shown (None = filler);
    ``pair`` indexes ``Comparison.pairs`` when both sides are shown;
    ``see_a``/``see_b`` name an aligned partner shown on another row."""

    a: int | None
    b: int | None
    kind: str  # shared / only_a / only_b
    pair: int | None = None
    see_a: int | None = None
    see_b: int | None = None


@dataclass
class Comparison:
    a: Article
    b: Article
    sentences_a: list[Sentence]
    sentences_b: list[Sentence]
    pairs: list[AlignedPair]
    rows: list[Row]
    only_a: list[int]
    only_b: list[int]
    entities_a_only: list[str] = field(default_factory=list)
    entities_b_only: list[str] = field(default_factory=list)
    entities_both: list[str] = field(default_factory=list)
    similarity: float = 0.0
    # Per-sentence marks (sentence-local offsets): kind "quote" or "entity:<TYPE>".
    marks_a: list[tuple[Span, ...]] = field(default_factory=list)
    marks_b: list[tuple[Span, ...]] = field(default_factory=list)
    entity_source: str = "names"  # "entities" when the recogniser found mentions

    @classmethod
    def from_pairs(
        cls,
        a: Article,
        b: Article,
        sentences_a: list[Sentence],
        sentences_b: list[Sentence],
        pairs: list[AlignedPair],
        **extra: Any,
    ) -> Comparison:
        """A comparison whose rows and unpaired sentences follow from its ``pairs``."""
        paired_a, paired_b = {p.a_idx for p in pairs}, {p.b_idx for p in pairs}
        return cls(
            a=a,
            b=b,
            sentences_a=sentences_a,
            sentences_b=sentences_b,
            pairs=pairs,
            rows=build_rows(len(sentences_a), len(sentences_b), pairs),
            only_a=[i for i in range(len(sentences_a)) if i not in paired_a],
            only_b=[j for j in range(len(sentences_b)) if j not in paired_b],
            **extra,
        )

    @property
    def shared(self) -> int:
        """Facts both report: groups of sentences linked by alignment."""
        return _components(self.pairs)

    def summary(self) -> str:
        return f"{self.shared} shared, {len(self.only_a)} only in A, {len(self.only_b)} only in B"

    def pairs_of_a(self, i: int) -> list[AlignedPair]:
        return [p for p in self.pairs if p.a_idx == i]

    def pairs_of_b(self, j: int) -> list[AlignedPair]:
        return [p for p in self.pairs if p.b_idx == j]

    def swapped(self) -> Comparison:
        """The same comparison with A and B exchanged (rows rebuilt in B's order)."""
        pairs = sorted(
            (
                AlignedPair(
                    p.b_idx, p.a_idx, p.kind, p.score, WordDiff(p.diff.b, p.diff.a), p.shared_terms
                )
                for p in self.pairs
            ),
            key=lambda p: (p.a_idx, p.b_idx),
        )
        return Comparison.from_pairs(
            self.b,
            self.a,
            self.sentences_b,
            self.sentences_a,
            pairs,
            entities_a_only=list(self.entities_b_only),
            entities_b_only=list(self.entities_a_only),
            entities_both=list(self.entities_both),
            similarity=self.similarity,
            marks_a=self.marks_b,
            marks_b=self.marks_a,
            entity_source=self.entity_source,
        )

    def to_dict(self) -> dict:
        def side(article: Article, sentences: list[Sentence]) -> dict:
            return {
                "id": article.id,
                "title": article.title,
                "outlet": article.outlet,
                "date": article.date,
                "path": article.path,
                "sentences": [s.text for s in sentences],
            }

        return {
            "a": side(self.a, self.sentences_a),
            "b": side(self.b, self.sentences_b),
            "summary": self.summary(),
            "similarity": round(self.similarity, 4),
            "pairs": [
                {
                    "a": p.a_idx,
                    "b": p.b_idx,
                    "kind": p.kind,
                    "score": round(p.score, 4),
                    "shared_terms": list(p.shared_terms),
                }
                for p in self.pairs
            ],
            "only_a": self.only_a,
            "only_b": self.only_b,
            "rows": [
                {"a": r.a, "b": r.b, "kind": r.kind, "see_a": r.see_a, "see_b": r.see_b}
                for r in self.rows
            ],
            "entities": {
                "source": self.entity_source,
                "both": self.entities_both,
                "a_only": self.entities_a_only,
                "b_only": self.entities_b_only,
            },
        }


# --------------------------------------------------------------------------- features


@dataclass
class _Side:
    sentences: list[Sentence]
    tokens: list[Sequence[Token]]
    features: list[dict[str, float]]
    labels: list[dict[str, str]]  # feature -> a readable word, for explanations
    quotes: list[list[str]]
    marks: list[tuple[Span, ...]]
    names: set[str]
    voices: list[frozenset[str]]  # names and places outside the quote marks (see _voices)


def _sentence_features(
    text: str,
    tokens: Sequence[Token],
    names: frozenset[str],
    weight: Callable[[str], float],
    covered: Sequence[tuple[int, int]] = (),
    year: int | None = None,
) -> tuple[dict[str, float], dict[str, str]]:
    """Weighted features of one sentence.  Tokens inside ``covered`` (sentence-local
    spans of place mentions) are skipped: ``_side`` adds one canonical place feature
    for each, so "Pyongyang", "DPRK" and "North Korea" meet and count once.  With the
    article's ``year``, relative years ("by the end of the year", "last year") become
    the year they name, so they meet "before the end of 2023" / "in November 2022"."""
    feats: dict[str, float] = {}
    labels: dict[str, str] = {}

    def add(key: str, w: float, label: str) -> None:
        if w > feats.get(key, 0.0):
            feats[key] = w
            labels[key] = label

    if year is not None:
        for m in _RELATIVE_YEAR.finditer(text):
            value = str(year + _YEAR_OFFSET.get((m.group(1) or "").lower(), 0))
            add("#" + value, _number_weight(value), m.group())

    headline = is_title_case(tokens)
    if covered:
        tokens = [t for t in tokens if not any(lo < t.end and t.start < hi for lo, hi in covered)]
    words: list[tuple[int, str, float]] = []  # (token position, key, weight) of plain words
    for i, t in enumerate(tokens):
        low = t.lower
        if t.kind == "number":
            value = number_value(t)
            if value is not None:
                add("#" + value, _number_weight(value), t.text)
            continue
        if t.kind == "acronym":
            add("@" + low, max(weight(low), 2.5) * NAME_BOOST, t.text)
            continue
        if len(low) < 2:
            continue
        if t.capitalised and (i > 0 or headline) and low in MONTHS and len(low) > 2:
            add("m:" + str(MONTHS[low]), 2.0, t.text)
            continue
        if low in WEEKDAYS:
            add("d:" + str(WEEKDAYS[low]), 2.0, t.text)
            continue
        if low in STOPWORDS:
            continue
        value = number_value(t)
        if value is not None:
            add("#" + value, 2.0, t.text)
            continue
        if t.capitalised and low in names:
            add("n:" + name_key(low), weight(low) * NAME_BOOST, t.text)
        else:
            key, w = "w:" + stem(low), weight(low)
            add(key, w, t.text)
            words.append((i, key, w))
    if BIGRAM:
        for (i, k1, w1), (j, k2, w2) in zip(words, words[1:], strict=False):
            if j - i <= BIGRAM_GAP and k1 != k2:
                a, b = sorted((k1[2:], k2[2:]))
                add("b:" + a + "_" + b, BIGRAM * math.sqrt(w1 * w2), a + " " + b)
    for run in name_runs(text, tokens, names):
        key = initials(run)
        if key:
            add("@" + key, max(weight(key), 2.5) * NAME_BOOST, " ".join(t.text for t in run))
    return feats, labels


# "this year", "the end of the year", "within this year", "last year", "by year-end":
# the article's own year (or the one before/after).  "the year" alone is only read as
# the current one after end/later/earlier/rest/within ("the year of the tiger" is not).
_RELATIVE_YEAR = re.compile(
    r"\b(?:(this|last|next|previous|coming) year"
    r"|(?:end|later|earlier|rest|within|course) (?:of |in )?(?:the|this) year|year[- ]end)\b",
    re.IGNORECASE,
)
_YEAR_OFFSET = {"last": -1, "previous": -1, "next": 1, "coming": 1}


def _number_weight(value: str) -> float:
    """Numbers are strong evidence of one fact ("40 per cent", "2,000 jobs"), more so the
    more specific they are; years and small counts are common."""
    if len(value) == 1:
        return NUMBER_WEIGHT / 2
    if len(value) == 4 and value[:2] in ("19", "20"):
        return NUMBER_WEIGHT * 0.75
    return NUMBER_WEIGHT


def _split(article: Article) -> tuple[list[Sentence], list[Sequence[Token]]]:
    sentences = split_sentences(article)
    return sentences, [tokenize(s.text) for s in sentences]


def _side(
    article: Article,
    split: tuple[list[Sentence], list[Sequence[Token]]],
    names: frozenset[str],
    weight: Callable[[str], float],
    mentions: Sequence[Mention],
    year: int | None = None,
) -> _Side:
    sentences, tokens = split
    by_para: dict[int, list[int]] = defaultdict(list)
    for k, s in enumerate(sentences):
        by_para[s.paragraph].append(k)
    placed: list[tuple[int, Mention]] = []  # (sentence, mention)
    for m in mentions:
        for k in by_para.get(m.paragraph, ()):
            s = sentences[k]
            if s.start <= m.start and m.end <= s.end:
                placed.append((k, m))
                break
    covered: list[list[tuple[int, int]]] = [[] for _ in sentences]
    for k, m in placed:
        if m.type in PLACE_TYPES:
            covered[k].append((m.start - sentences[k].start, m.end - sentences[k].start))
    feats, labels = [], []
    for s, toks, cov in zip(sentences, tokens, covered, strict=True):
        f, lab = _sentence_features(s.text, toks, names, weight, cov, year)
        feats.append(f)
        labels.append(lab)
    quotes: list[list[str]] = [[] for _ in sentences]
    marks: list[list[Span]] = [[] for _ in sentences]
    texts = {TITLE_PARAGRAPH: article.title, **dict(enumerate(article.paragraphs))}
    for p, ks in by_para.items():
        for q in find_quotes(texts[p]):
            _spread(q, ks, sentences, quotes, marks)
    entity_names = {m.canonical for m in mentions if m.type != "DATE"}
    for k, m in placed:
        start = sentences[k].start
        if m.type in PLACE_TYPES:
            key = "e:" + place_key(m.entity_id)
            feats[k][key] = ENTITY_WEIGHT
            labels[k][key] = m.canonical
        marks[k].append(Span(m.start - start, m.end - start, "entity:" + m.type))
    return _Side(
        sentences,
        tokens,
        feats,
        labels,
        quotes,
        [tuple(sorted(m, key=lambda x: (x.start, x.end))) for m in marks],
        entity_names,
        _voices(tokens, marks, placed, sentences, names),
    )


def _voices(
    tokens: list[Sequence[Token]],
    marks: list[list[Span]],
    placed: list[tuple[int, Mention]],
    sentences: list[Sentence],
    names: frozenset[str],
) -> list[frozenset[str]]:
    """Per sentence, the names and places it mentions outside its quote marks: who is
    speaking and about whom ("Hamada told reporters", "Pyongyang has pledged")."""
    out: list[set[str]] = [set() for _ in tokens]
    spans = [[(m.start, m.end) for m in ms if m.kind == "quote"] for ms in marks]

    def outside(k: int, lo: int, hi: int) -> bool:
        return not any(a < hi and lo < b for a, b in spans[k])

    for k, m in placed:
        start = sentences[k].start
        if m.type in PLACE_TYPES and outside(k, m.start - start, m.end - start):
            out[k].add("e:" + place_key(m.entity_id))
    for k, toks in enumerate(tokens):
        for t in toks:
            if t.capitalised and (t.kind == "acronym" or t.lower in names):
                if outside(k, t.start, t.end):
                    out[k].add(name_key(t.lower))
    return [frozenset(v) for v in out]


# Photo captions place people in a picture: "Minister X (right) and Y (left) shake
# hands".  They restate the body's names, not a fact, so they are left unaligned.
_CAPTION = re.compile(
    r"\((?:(?:second|third|far|top|bottom|front|back|standing|seated)[ ,-]*)*"
    r"(?:from )?(?:left|right|centre|center|middle)\)",
    re.IGNORECASE,
)

PLACE_TYPES = frozenset({"GPE", "NORP", "LOC"})


def place_key(entity_id: str) -> str:
    """One key for a place and its people ("gpe:north-korea", "norp:north-korean"): the
    recogniser already maps capitals and aliases to the country ("Pyongyang", "DPRK"),
    so this only joins demonyms, as ``lexical.name_key`` does for words.  Other entity
    types keep their word features: their ids are per-article slugs ("lloyd-austin" /
    "lloyd-j-austin") that would not meet across outlets anyway."""
    slug = entity_id.split(":", 1)[-1]
    words = slug.split("-")
    words[-1] = name_key(words[-1])
    return "place:" + "-".join(words)


def _spread(q: Quote, ks: list[int], sentences: list[Sentence], quotes, marks) -> None:
    """Attach a paragraph-level quote to the sentences it overlaps (quotes may span several)."""
    for k in ks:
        s = sentences[k]
        lo, hi = max(q.start, s.start), min(q.end, s.end)
        if hi > lo:
            quotes[k].append(q.text[lo - q.start : hi - q.start])
            marks[k].append(Span(lo - s.start, hi - s.start, "quote"))


def _local_weights(a: _Side, b: _Side) -> dict[str, float]:
    """Within-pair IDF: features found in many sentences of these two articles say little.
    A feature only one sentence has cannot link anything; it is rated as if two had it,
    so a sentence's own extra details (a list of names, a date) lower its scores without
    swamping what it does share."""
    df: dict[str, int] = defaultdict(int)
    for f in a.features + b.features:
        for key in f:
            df[key] += 1
    n = len(a.features) + len(b.features)
    return {key: math.log((n + 1) / (max(d, 2) + 0.5)) ** LOCAL_POWER for key, d in df.items()}


# --------------------------------------------------------------------------- alignment


def compare(
    a: Article,
    b: Article,
    *,
    idf: IdfFn | None = None,
    mentions_a: Sequence[Mention] | None = None,
    mentions_b: Sequence[Mention] | None = None,
) -> Comparison:
    """Align the sentences of ``a`` and ``b`` (title included, as sentence 0).

    ``idf`` maps a word to its inverse document frequency in the user's corpus (e.g.
    ``Library.idf``); it is blended with general-English rarity (wordfreq), which
    stands in alone without it.  Entity mentions are looked up with
    ``index.entities.find_mentions`` unless given (pass ``[]`` to skip recognition).
    """
    if mentions_a is None:
        mentions_a = _mentions(a)
    if mentions_b is None:
        mentions_b = _mentions(b)
    weight = weight_fn(idf)
    split_a, split_b = _split(a), _split(b)
    names = name_vocabulary([*split_a[1], *split_b[1]])
    year_a, year_b = _year(a.date), _year(b.date)
    # Two reports being compared are usually of one event: an undated one is read in
    # the other's year rather than not at all.
    side_a = _side(a, split_a, names, weight, mentions_a, year_a or year_b)
    side_b = _side(b, split_b, names, weight, mentions_b, year_b or year_a)
    local = _local_weights(side_a, side_b)
    vec_a = [_weigh(f, local) for f in side_a.features]
    vec_b = [_weigh(f, local) for f in side_b.features]
    for vec, side in ((vec_a, side_a), (vec_b, side_b)):
        for k, sentence in enumerate(side.sentences):
            if _CAPTION.search(sentence.text):
                vec[k] = {}
    ta, tb = _title_index(side_a.sentences), _title_index(side_b.sentences)
    decks_a, decks_b = _decks(side_a.sentences), _decks(side_b.sentences)
    lead_a = _lead_index(side_a.sentences, decks_a, vec_a)
    lead_b = _lead_index(side_b.sentences, decks_b, vec_b)
    scores = {
        (i, j): s
        for (i, j), s in _score_matrix(vec_a, vec_b).items()
        if i == ta or j == tb or (i in decks_a) == (j in decks_b)
    }
    _lead_prior(scores, (ta, tb), (lead_a, lead_b))
    quoted: dict[tuple[int, int], float] = {}
    for i, qa in enumerate(side_a.quotes):
        for j, qb in enumerate(side_b.quotes):
            if qa and qb and (i, j) in scores and _same_voice(side_a.voices[i], side_b.voices[j]):
                q = _quote_match(qa, qb)
                if q >= QUOTE:
                    quoted[(i, j)] = q
                    scores[(i, j)] = max(scores[(i, j)], FLOOR)
    scores = _context(scores)
    chosen = _select(
        scores,
        (ta, tb) if ta is not None and tb is not None else None,
        _anchored(vec_a, vec_b),
    )
    pairs = []
    for i, j in sorted(chosen):
        s = scores[(i, j)]
        kind = SAME_QUOTE if (i, j) in quoted else SAME_FACT if s >= FACT else PARTIAL
        shared = sorted(set(vec_a[i]) & set(vec_b[j]), key=lambda k: -vec_a[i][k] * vec_b[j][k])
        terms = tuple(dict.fromkeys(side_a.labels[i][k] for k in shared[:6]))
        diff = word_diff(side_a.sentences[i].text, side_b.sentences[j].text)
        pairs.append(AlignedPair(i, j, kind, round(s, 4), diff, terms))
    na, nb = len(side_a.sentences), len(side_b.sentences)
    paired = len({p.a_idx for p in pairs}) + len({p.b_idx for p in pairs})
    sim = paired / (na + nb) if na + nb else 0.0
    ents_a, ents_b, source = side_a.names, side_b.names, "entities"
    if not ents_a and not ents_b:
        ents_a, ents_b, source = _cheap_names(side_a, names), _cheap_names(side_b, names), "names"
    return Comparison.from_pairs(
        a,
        b,
        side_a.sentences,
        side_b.sentences,
        pairs,
        entities_a_only=sorted(ents_a - ents_b),
        entities_b_only=sorted(ents_b - ents_a),
        entities_both=sorted(ents_a & ents_b),
        similarity=sim,
        marks_a=side_a.marks,
        marks_b=side_b.marks,
        entity_source=source,
    )


def _year(date: str | None) -> int | None:
    """The year of an ISO date ("2023-06-03"), if it has a plausible one."""
    if date and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


def _mentions(article: Article) -> list[Mention]:
    try:
        from .entities import find_mentions

        return list(find_mentions(article))
    except Exception:  # the recogniser is an optional boost; never fail a comparison on it
        return []


def _weigh(features: dict[str, float], local: dict[str, float]) -> dict[str, float]:
    return {k: w * local[k] for k, w in features.items() if w * local[k] > 0}


def _score_matrix(vec_a: list[dict[str, float]], vec_b: list[dict[str, float]]) -> dict:
    """Weighted Dice (L1) for every pair sharing a feature (an inverted index keeps it
    sparse): twice the weight both sentences share over their total weight.  Unlike a
    cosine, one heavy unshared feature (a rare name) cannot drown the many ordinary
    words two renderings of a fact share."""
    mass_a = [sum(v.values()) or 1.0 for v in vec_a]
    mass_b = [sum(v.values()) or 1.0 for v in vec_b]
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for j, v in enumerate(vec_b):
        for k, w in v.items():
            postings[k].append((j, w))
    scores: dict[tuple[int, int], float] = {}
    for i, v in enumerate(vec_a):
        acc: dict[int, float] = defaultdict(float)
        for k, w in v.items():
            for j, wb in postings.get(k, ()):
                acc[j] += min(w, wb)
        for j, shared in acc.items():
            if _enough_shared(v, vec_b[j]):
                scores[(i, j)] = 2 * shared / (mass_a[i] + mass_b[j])
    return scores


def _enough_shared(x: dict[str, float], y: dict[str, float]) -> bool:
    """Two sentences report the same thing only if they share at least MIN_SHARED words,
    names or numbers: one shared word ("lot", "circus") between two short sentences
    gives a high cosine and means nothing.  Entity ids and initials repeat a name
    already counted, so they do not count again."""
    n = 0
    for k in x:
        if k in y and k[0] in "wnmd#":
            n += 1
            if n >= MIN_SHARED:
                return True
    return False


def _same_voice(x: frozenset[str], y: frozenset[str]) -> bool:
    """Two quotes are one quotation only if nothing says they come from different
    speakers: when both sentences name people or places outside the quote marks, they
    share one ("Pyongyang pledged ... 'as soon as possible'" is not "Hamada said ...
    'as soon as possible'"); a bare "she said" contradicts nothing."""
    return not x or not y or bool(x & y)


def _quote_match(qa: list[str], qb: list[str]) -> float:
    """Best similarity between a quote of one sentence and a quote of the other, counting
    only quotes that share at least QUOTE_WORDS content words."""
    return max(
        (quote_similarity(x, y, min_shared=QUOTE_WORDS) for x in qa for y in qb), default=0.0
    )


def _lead_prior(scores: dict, *pairs: tuple[int | None, int | None]) -> None:
    """Raise headline/headline and lead/lead pairs that already share something: news
    puts the main fact first, so two reports' leads usually match."""
    for i, j in pairs:
        if i is not None and j is not None and scores.get((i, j), 0.0) > 0.05:
            scores[(i, j)] += LEAD


def _context(scores: dict[tuple[int, int], float]) -> dict[tuple[int, int], float]:
    """Raise a pair whose neighbours (the sentences before both, or after both) are an
    aligned pair: outlets rewriting one statement or wire story keep its order, so a
    loose paraphrase next to a clear match is likely the next fact (the paragraph
    context of Barzilay & Elhadad's monolingual alignment).  Only pairs that already
    share something are raised, by CONTEXT times the neighbouring pair's score."""
    out = dict(scores)
    for (i, j), s in scores.items():
        near = max(scores.get((i - 1, j - 1), 0.0), scores.get((i + 1, j + 1), 0.0))
        if near >= FLOOR:
            out[(i, j)] = s + CONTEXT * near
    return out


# A sentence that ends a paragraph this way is prose; a short one-line paragraph that
# does not is a deck or crosshead: "To resume maritime drills soon".
_PROSE_END = re.compile(r"[.!?…:;,][\"'”’)\]»]*$")
_INNER_END = re.compile(r"[.!?…][\"'”’)\]»]*\s")  # "says 'I feel badly.' #Tag — 4 May": a tweet
DECK_WORDS = 20


def _decks(sentences: list[Sentence]) -> set[int]:
    """Decks and crossheads: one-line paragraphs without a full stop.  Like a headline,
    a deck sums up a fact its own body reports in full, so it is matched with the other
    article's headline or decks only: linked to a body sentence too, it would join two
    facts into one (the headline rule of ``_select``).  An article written without full
    stops (a list, a transcript) has no decks."""
    per_para: dict[int, int] = defaultdict(int)
    for s in sentences:
        per_para[s.paragraph] += 1
    decks = {
        k
        for k, s in enumerate(sentences)
        if s.paragraph != TITLE_PARAGRAPH
        and per_para[s.paragraph] == 1
        and not _PROSE_END.search(s.text)
        and not _INNER_END.search(s.text)
        and len(s.text.split()) <= DECK_WORDS
    }
    return decks if 2 * len(decks) <= len(sentences) else set()


def _title_index(sentences: list[Sentence]) -> int | None:
    return 0 if sentences and sentences[0].paragraph == TITLE_PARAGRAPH else None


def _anchored(vec_a: list[dict[str, float]], vec_b: list[dict[str, float]]) -> set[tuple[int, int]]:
    """Pairs sharing at least ANCHORS features that no other sentence of either article
    has (a place, a phrase, a date each article names once): such one-to-one "hapax"
    matches are the anchors of classic bilingual sentence alignment (Kay & Roscheisen),
    strong evidence even when the rest of two long sentences differs."""
    where_a: dict[str, list[int]] = defaultdict(list)
    where_b: dict[str, list[int]] = defaultdict(list)
    for where, vecs in ((where_a, vec_a), (where_b, vec_b)):
        for k, v in enumerate(vecs):
            for key in v:
                if key[0] != "@":  # initials repeat a name already counted
                    where[key].append(k)
    count: dict[tuple[int, int], int] = defaultdict(int)
    for key, ks in where_a.items():
        js = where_b.get(key)
        if len(ks) == 1 and js is not None and len(js) == 1:
            count[(ks[0], js[0])] += 1
    return {pair for pair, n in count.items() if n >= ANCHORS}


def _lead_index(
    sentences: list[Sentence], decks: set[int], vectors: list[dict[str, float]]
) -> int | None:
    """The first sentence of the body proper: decks and photo captions skipped."""
    return next(
        (
            k
            for k, s in enumerate(sentences)
            if s.paragraph != TITLE_PARAGRAPH and k not in decks and vectors[k]
        ),
        None,
    )


def _select(
    scores: dict[tuple[int, int], float],
    titles: tuple[int, int] | None = None,
    anchored: set[tuple[int, int]] = frozenset(),
) -> set[tuple[int, int]]:
    """Each sentence's best counterpart, when it reaches FLOOR (ties all count).  Two
    headlines that match are linked to each other only: a lead (or a later sentence)
    repeats its headline's fact, and linking it to the other headline as well would
    merge two facts into one; the lead then finds its own partner in the other body."""
    chosen: set[tuple[int, int]] = set()
    if titles is not None and scores.get(titles, 0.0) >= FLOOR:
        chosen.add(titles)
        ta, tb = titles
        scores = {(i, j): s for (i, j), s in scores.items() if i != ta and j != tb}
    best_a: dict[int, float] = defaultdict(float)
    best_b: dict[int, float] = defaultdict(float)
    for (i, j), s in scores.items():
        best_a[i] = max(best_a[i], s)
        best_b[j] = max(best_b[j], s)
    return chosen | {
        (i, j)
        for (i, j), s in scores.items()
        if (s >= FLOOR or (s >= ANCHOR_FLOOR and (i, j) in anchored))
        and (s >= best_a[i] or s >= best_b[j])
    }


def _cheap_names(side: _Side, names: frozenset[str]) -> set[str]:
    """Capitalised names (runs of name words) when no recogniser is available."""
    out: set[str] = set()
    for s, toks in zip(side.sentences, side.tokens, strict=True):
        for run in name_runs(s.text, toks, names):
            words = [t for t in run if t.kind == "acronym" or len(t.text) > 1]
            if words:
                out.add(" ".join(t.text.replace("’", "'").removesuffix("'s") for t in words))
    return out


def _components(pairs: Sequence[AlignedPair]) -> int:
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        parent[find(("a", p.a_idx))] = find(("b", p.b_idx))
    return len({find(x) for x in list(parent)})


# --------------------------------------------------------------------------- display


def build_rows(na: int, nb: int, pairs: Sequence[AlignedPair]) -> list[Row]:
    """Display rows in A's order.  Each aligned B sentence sits beside its best A partner
    (the best match on the same row, further partners on the rows below); an A sentence
    whose partners are shown elsewhere points at them; B-only sentences go right after
    their B predecessor."""
    best: dict[int, tuple[float, int, int]] = {}
    for n, p in enumerate(pairs):
        if p.b_idx not in best or p.score > best[p.b_idx][0]:
            best[p.b_idx] = (p.score, p.a_idx, n)
    homed: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for j, (_, i, n) in best.items():
        homed[i].append((j, n))
    best_of_a: dict[int, int] = {}
    for p in sorted(pairs, key=lambda p: -p.score):
        best_of_a.setdefault(p.a_idx, p.b_idx)
    rows: list[Row] = []
    for i in range(na):
        mine = sorted(homed.get(i, ()), key=lambda jn: (-pairs[jn[1]].score, jn[0]))
        if mine:
            j, n = mine[0]
            rows.append(Row(i, j, SHARED, pair=n))
            rows.extend(Row(None, j2, SHARED, pair=n2, see_a=i) for j2, n2 in mine[1:])
        elif i in best_of_a:
            rows.append(Row(i, None, SHARED, see_b=best_of_a[i]))
        else:
            rows.append(Row(i, None, ONLY_A))
    for j in range(nb):
        if j in best:
            continue
        prev = [r for r, row in enumerate(rows) if row.b == j - 1]
        pos = prev[-1] + 1 if prev else 0
        rows.insert(pos, Row(None, j, ONLY_B))
    return rows


def word_diff(a: str, b: str) -> WordDiff:
    """Which words of each sentence the other shares, in order (difflib over stems)."""
    ta = [t for t in tokenize(a)]
    tb = [t for t in tokenize(b)]
    ka = [_diff_key(t) for t in ta]
    kb = [_diff_key(t) for t in tb]
    sm = difflib.SequenceMatcher(None, ka, kb, autojunk=False)
    same_a: set[int] = set()
    same_b: set[int] = set()
    for block in sm.get_matching_blocks():
        same_a.update(range(block.a, block.a + block.size))
        same_b.update(range(block.b, block.b + block.size))
    return WordDiff(_spans(ta, same_a), _spans(tb, same_b))


def _diff_key(t: Token) -> str:
    return stem(t.lower) if t.kind == "word" else t.lower


def _spans(tokens: list[Token], same: set[int]) -> tuple[Span, ...]:
    """Merge consecutive tokens of one kind into spans (covering the gaps between them)."""
    out: list[Span] = []
    for k, t in enumerate(tokens):
        kind = "same" if k in same else "changed"
        if out and out[-1].kind == kind:
            out[-1] = Span(out[-1].start, t.end, kind)
        else:
            out.append(Span(t.start, t.end, kind))
    return tuple(out)
