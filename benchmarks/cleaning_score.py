"""Cleaning quality against the gold, and cleaning throughput against a trivial baseline.

Run from the repo root:  python benchmarks/cleaning_score.py [--shared ../shared] [--rounds 3]

Quality: one row per gold article (boilerplate removed/total, typesetting hyphens
joined/total, genuine hyphens kept/total, duplicates, subheadings, title, outlet,
dateline, byline, event date after corpus-level resolution).
Throughput: ``index.clean.clean`` over basil + fnc1 versus splitting lines (the
baseline), measured in the same run; best of ``--rounds``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.clean import clean  # noqa: E402
from index.cleaning_score import HEADERS, score_cleaning  # noqa: E402
from index.model import RawDocument  # noqa: E402


def corpus_documents(shared: Path) -> list[RawDocument]:
    """basil (JSON with metadata) and fnc1 (bare bodies) as RawDocuments."""
    docs = []
    for path in sorted((shared / "corpus" / "basil").glob("*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        docs.append(
            RawDocument(
                path=str(path), text=rec.get("text", ""), format="json", title=rec.get("title")
            )
        )
    fnc1 = shared / "corpus" / "fnc1" / "bodies.jsonl"
    if fnc1.exists():
        for line in fnc1.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                docs.append(RawDocument(path=str(fnc1), text=rec["text"], format="jsonl"))
    return docs


def baseline(doc: RawDocument) -> list[str]:
    """What a cleaner that does nothing clever costs: strip and keep non-empty lines."""
    return [ln.strip() for ln in doc.text.splitlines() if ln.strip()]


def best_time(fn, docs: list[RawDocument], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for doc in docs:
            fn(doc)
        best = min(best, time.perf_counter() - start)
    return best


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(HEADERS)]
    print("  ".join(h.ljust(w) for h, w in zip(HEADERS, widths, strict=True)))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    gold = args.shared / "gold"
    ok = True
    if (gold / "cleaning.json").exists():
        score = score_cleaning(gold)
        print("Cleaning quality (gold/cleaning.json)")
        print_table(score.rows())
        for article in score.articles:
            for problem in article.problems:
                print(f"  {article.name}: {problem}")
        ok = score.ok
        print("all gold checks pass" if ok else "SOME GOLD CHECKS FAIL")
    else:
        print(f"no gold at {gold}; skipping the quality table")

    docs = corpus_documents(args.shared)
    if not docs:
        print("no basil/fnc1 corpus found; skipping throughput")
        return 0 if ok else 1
    words = sum(len(d.text.split()) for d in docs)
    clean(docs[0])  # load wordfreq data before timing
    t_clean = best_time(clean, docs, args.rounds)
    t_base = best_time(baseline, docs, args.rounds)
    print(
        f"\nThroughput on basil+fnc1: {len(docs)} articles, {words} words (best of {args.rounds})"
    )
    for name, t in (("clean", t_clean), ("baseline: split lines", t_base)):
        print(
            f"  {name:22s} {len(docs) / t:9.0f} articles/s  {words / t:11.0f} words/s  "
            f"{t / len(docs) * 1000:7.3f} ms/article"
        )
    per600 = t_clean / words * 600 * 1000
    print(f"  clean is {t_clean / t_base:.0f}x the baseline; {per600:.2f} ms per 600-word article")
    print(f"  100k articles of 600 words on 2 cores: ~{per600 * 100_000 / 2 / 1000 / 60:.1f} min")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
