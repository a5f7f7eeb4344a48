"""Score sentence alignments against a hand-made gold file (see gold/alignment.json).

Gold sentences are raw substrings of the source; ours come from cleaned text (hyphens
joined, chrome dropped) and our own splitter, so sentences are matched by normalised
word overlap, not by equality.  Used by the tests and ``benchmarks/align_bench.py``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .model import Article

_WORD = re.compile(r"[a-z0-9]+")


def normalise_words(text: str) -> list[str]:
    """Lower-case words with in-word hyphens joined ("Sou-th" -> "south")."""
    text = re.sub(r"(?<=\w)[-\u00ad\u2010\u2011](?=\w)", "", text.lower())
    return _WORD.findall(text.replace("’", "'"))


def same_sentence(ours: Sequence[str], gold: Sequence[str]) -> bool:
    """True when two word lists are the same sentence up to cleaning and splitting noise:
    most of one is inside the other, and at least half of the other is covered."""
    if not ours or not gold:
        return False
    overlap = sum((Counter(ours) & Counter(gold)).values())
    lo, hi = sorted((len(ours), len(gold)))
    return overlap >= 0.8 * lo and overlap >= 0.5 * hi


def match_sentence(side: Sequence[Sequence[str]], gold: Sequence[str]) -> set[int]:
    """Our sentences that render one gold sentence: the closest one (word-overlap Dice;
    ties all count, for a paragraph printed twice), plus the neighbours that hold the
    rest of it when our splitter cut it in two.  Only the closest counts, so a caption
    that repeats most of a sentence's names is not taken for that sentence."""
    scored = [(_dice(words, gold), i) for i, words in enumerate(side) if same_sentence(words, gold)]
    if not scored:
        return _split_match(side, gold)
    best = max(d for d, _ in scored)
    hits = {i for d, i in scored if d >= best - 1e-9}
    if len(hits) == 1:
        (i,) = hits
        left = Counter(gold) - Counter(side[i])
        for k in (i - 1, i + 1):
            if 0 <= k < len(side) and len(side[k]) >= 3:
                if sum((Counter(side[k]) & left).values()) >= 0.8 * len(side[k]):
                    hits.add(k)
    return hits


def _dice(a: Sequence[str], b: Sequence[str]) -> float:
    return 2 * sum((Counter(a) & Counter(b)).values()) / (len(a) + len(b))


def _split_match(side: Sequence[Sequence[str]], gold: Sequence[str]) -> set[int]:
    """A gold sentence our splitter cut into two or three pieces."""
    for size in (2, 3):
        for i in range(len(side) - size + 1):
            joined = [w for k in range(i, i + size) for w in side[k]]
            if same_sentence(joined, gold):
                return set(range(i, i + size))
    return set()


@dataclass
class PairScore:
    """Counts for one gold article pair."""

    pair: tuple[str, str]
    predicted: int = 0
    correct: int = 0  # predicted pairs that match some gold alignment
    unjudged: int = 0  # wrong predicted pairs touching a sentence the gold does not annotate
    gold: int = 0
    found: int = 0  # gold alignments matched by some predicted pair
    unique_gold: int = 0
    unique_found: int = 0  # gold unique sentences we also left unaligned
    unmatched_gold_sentences: list[str] = field(default_factory=list)
    false_pairs: list[tuple[str, str, str]] = field(default_factory=list)
    missed_pairs: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class AlignmentScore:
    pairs: list[PairScore]

    @property
    def precision(self) -> float:
        p = sum(s.predicted for s in self.pairs)
        return sum(s.correct for s in self.pairs) / p if p else 0.0

    @property
    def judged_precision(self) -> float:
        """Precision over the predicted pairs whose two sentences the gold annotates (as
        aligned or unique).  The gold leaves some sentences out (decks, photo captions,
        borderline ones), so a pair linking one of them is unjudged, not known wrong.
        Reported beside ``precision``, never instead of it."""
        p = sum(s.predicted - s.unjudged for s in self.pairs)
        return sum(s.correct for s in self.pairs) / p if p else 0.0

    @property
    def judged_f1(self) -> float:
        p, r = self.judged_precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def recall(self) -> float:
        g = sum(s.gold for s in self.pairs)
        return sum(s.found for s in self.pairs) / g if g else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def unique_recall(self) -> float:
        g = sum(s.unique_gold for s in self.pairs)
        return sum(s.unique_found for s in self.pairs) / g if g else 0.0


def score_pair(comparison, entry: dict) -> PairScore:
    """Score one Comparison (from ``index.align.compare``) against one gold entry."""
    sa = [normalise_words(s.text) for s in comparison.sentences_a]
    sb = [normalise_words(s.text) for s in comparison.sentences_b]
    score = PairScore(pair=tuple(entry["pair"]))

    def ours(side: list[list[str]], text: str) -> set[int]:
        hits = match_sentence(side, normalise_words(text))
        if not hits:
            score.unmatched_gold_sentences.append(text)
        return hits

    gold = [(ours(sa, al["a"]), ours(sb, al["b"]), al) for al in entry["alignments"]]
    score.gold = len(gold)
    judged_a = set().union(
        *(ga for ga, _, _ in gold), *(ours(sa, t) for t in entry.get("unique_to_a", []))
    )
    judged_b = set().union(
        *(gb for _, gb, _ in gold), *(ours(sb, t) for t in entry.get("unique_to_b", []))
    )
    score.unmatched_gold_sentences = list(dict.fromkeys(score.unmatched_gold_sentences))
    predicted = {(p.a_idx, p.b_idx): p for p in comparison.pairs}
    score.predicted = len(predicted)
    for (i, j), p in predicted.items():
        if any(i in ga and j in gb for ga, gb, _ in gold):
            score.correct += 1
        else:
            if i not in judged_a or j not in judged_b:
                score.unjudged += 1
            score.false_pairs.append(
                (comparison.sentences_a[i].text, comparison.sentences_b[j].text, p.kind)
            )
    for ga, gb, al in gold:
        if any(i in ga and j in gb for i, j in predicted):
            score.found += 1
        else:
            score.missed_pairs.append((al["a"], al["b"], al["kind"]))
    only = (set(comparison.only_a), set(comparison.only_b))
    for side, key, sents in ((0, "unique_to_a", sa), (1, "unique_to_b", sb)):
        for text in entry.get(key, []):
            score.unique_gold += 1
            hits = ours(sents, text)
            if hits and hits <= only[side]:
                score.unique_found += 1
    return score


def score_gold(
    gold: dict, load: Callable[[str], Article], compare: Callable[[Article, Article], object]
) -> AlignmentScore:
    """Compare every gold pair (``load`` maps a gold file name to an Article) and score."""
    return AlignmentScore(
        [score_pair(compare(load(e["pair"][0]), load(e["pair"][1])), e) for e in gold["pairs"]]
    )
