"""Story grouping on real corpora, printed for a human to judge, plus timings.

    python benchmarks/stories_report.py [--all] [--scale N]

- seeds: the groups vs gold/stories.json (must be equal);
- basil: 300 articles from 3 outlets, about 100 events each covered by all three, so a
  good grouping is mostly "one article per outlet" triples; every group is printed
  (date, outlet, title) with a shape summary; impure groups (an outlet twice) are
  marked "!!" — they are lumped events;
- fnc1: 904 title-less bodies about ~100 claims; group sizes and a sample of groups
  (first words of each body);
- scale: a synthetic corpus of N articles (copies of basil+fnc1, each copy moved 400
  days later so copies never meet) timed end to end, vs the all-pairs similarity count
  it avoids.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from index.model import Article  # noqa: E402
from index.pipeline import load_articles  # noqa: E402
from index.stories import group_stories  # noqa: E402

OUTLETS = {"NYT": "The New York Times", "HPO": "HuffPost", "FOX": "Fox News"}


def load(path: Path) -> list[Article]:
    return [a for a in load_articles([path]) if isinstance(a, Article)]


def timed(articles: list[Article]):
    t = time.perf_counter()
    stories = group_stories(articles)
    return stories, time.perf_counter() - t


def seeds_report() -> bool:
    arts = load(SHARED / "corpus" / "seeds")
    name = {a.id: Path(a.path).name for a in arts}
    stories, dt = timed(arts)
    got = sorted(sorted(name[i] for i in s.article_ids) for s in stories)
    gold = json.loads((SHARED / "gold" / "stories.json").read_text())
    want = sorted(sorted(g["articles"]) for g in gold["groups"])
    ok = got == want
    print(
        f"== seeds ({len(arts)} articles, {dt * 1000:.0f} ms): {'EQUAL to gold' if ok else 'DIFFERENT from gold'}"
    )
    for s in stories:
        print(f"   {s.id}  {s.label!r}  {[name[i][:3] for i in s.article_ids]}")
    if not ok:
        print(f"   gold: {want}")
    return ok


def basil_report(show_all: bool) -> None:
    arts = load(SHARED / "corpus" / "basil")
    by_id = {a.id: a for a in arts}
    stories, dt = timed(arts)
    shapes: Counter[str] = Counter()
    lines = []
    for s in sorted(stories, key=lambda s: (s.date or "", s.id)):
        members = [by_id[i] for i in s.article_ids]
        outlets = [OUTLETS.get(a.outlet or "", a.outlet or "?") for a in members]
        pure = len(set(outlets)) == len(outlets)
        shape = (
            "triple (one per outlet)"
            if len(members) == 3 and pure
            else (f"{len(members)} articles, {'one per outlet' if pure else 'AN OUTLET TWICE'}")
        )
        shapes[shape] += 1
        if show_all or not (len(members) == 3 and pure):
            mark = "  " if pure else "!!"
            lines.append(f"{mark} {s.date}  {s.label[:70]}")
            for a in members:
                lines.append(
                    f"      {a.date} {OUTLETS.get(a.outlet or '', a.outlet or '?')[:9]:9s} {a.title[:80]}"
                )
    print(f"\n== basil ({len(arts)} articles, {dt:.2f} s): {len(stories)} stories")
    for shape, n in shapes.most_common():
        print(f"   {n:4d}  {shape}")
    print(
        "   groups other than one-per-outlet triples"
        + (" (and all others)" if show_all else "")
        + ":"
    )
    print("\n".join(lines))


def fnc1_report() -> None:
    arts = load(SHARED / "corpus" / "fnc1")
    stories, dt = timed(arts)
    sizes = Counter(len(s.article_ids) for s in stories)
    print(
        f"\n== fnc1 ({len(arts)} bodies, {dt:.2f} s): {len(stories)} stories; sizes {sorted(sizes.items())}"
    )
    by_id = {a.id: a for a in arts}
    rng = random.Random(7)
    sample = stories[:3] + rng.sample(stories[3:], min(9, max(0, len(stories) - 3)))
    for s in sample:
        print(f"   [{len(s.article_ids)}] {s.label[:90]!r}")
        for i in s.article_ids[:5]:
            body = " ".join(by_id[i].paragraphs)[:100].replace("\n", " ")
            print(f"        {body}")


def scale_report(n: int) -> None:
    base = load(SHARED / "corpus" / "basil") + load(SHARED / "corpus" / "fnc1")
    arts, k = [], 0
    while len(arts) < n:
        for a in base:
            d = (
                date.fromisoformat(a.date)
                if a.date
                else date(2000, 1, 1) + timedelta(days=len(a.id) % 7)
            )
            arts.append(
                dataclasses.replace(
                    a, id=f"{a.id}~{k}", date=(d + timedelta(days=400 * k)).isoformat()
                )
            )
            if len(arts) >= n:
                break
        k += 1
    group_stories(arts[:50])  # warm the stemmer and word-frequency caches
    stories, dt = timed(arts)
    print(
        f"\n== scale: {n} articles grouped in {dt:.1f} s ({dt / n * 1000:.2f} ms/article) "
        f"into {len(stories)} stories; all-pairs would score {n * (n - 1) // 2:,} pairs"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--all", action="store_true", help="print every basil group, not only the odd ones"
    )
    ap.add_argument(
        "--scale", type=int, default=10000, help="size of the synthetic corpus (0 = skip)"
    )
    args = ap.parse_args()
    seeds_report()
    basil_report(args.all)
    fnc1_report()
    if args.scale:
        scale_report(args.scale)


if __name__ == "__main__":
    main()
