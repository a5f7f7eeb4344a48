"""Entity recognition: quality on the seed gold, speed on basil + fnc1, start-up time.

Run:  python benchmarks/entities_bench.py [--repeat N]

Prints, for the default (rules) recogniser, the per-article and corpus-level score
tables against shared/gold/entities.json, words per second over basil+fnc1 and the
start-up time (import + gazetteer load, warm and cold cache), each next to a trivial
baseline measured in the same run: a regex that tags every capitalised word
sequence (countries from countryinfo as GPE, everything else as PERSON).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"

from index.entities import EntityIndex, find_mentions, set_backend  # noqa: E402
from index.entities.backend import article_entities  # noqa: E402
from index.entities.evaluate import format_report, load_gold, predictions, score  # noqa: E402
from index.model import Article, Mention, Skipped  # noqa: E402
from index.pipeline import load_file  # noqa: E402

CAPS = re.compile(r"[A-Z][\w’'\-.]*(?:\s+[A-Z][\w’'\-.]*)*")


class Baseline:
    """Every capitalised sequence is an entity; a country name is a GPE, the rest PERSON."""

    def __init__(self) -> None:
        from countryinfo._cache import load_countries

        self.countries = {
            v["name"] for v in load_countries()["countries"].values() if v.get("name")
        }

    def mentions(self, article: Article) -> list[Mention]:
        out = []
        for seg, text in [(-1, article.title), *enumerate(article.paragraphs)]:
            for m in CAPS.finditer(text):
                span = m.group().rstrip(".")
                type_ = "GPE" if span in self.countries else "PERSON"
                out.append(
                    Mention(seg, m.start(), m.start() + len(span), span, type_, span.lower(), span)
                )
        return out


def load_seeds() -> list[Article]:
    out = []
    for path in sorted(glob.glob(str(SHARED / "corpus" / "seeds" / "*.txt"))):
        result = load_file(path)
        if not isinstance(result, Skipped):
            out.extend(result)
    return out


def load_speed_corpus() -> list[Article]:
    out: list[Article] = []
    for path in sorted(glob.glob(str(SHARED / "corpus" / "basil" / "*.json"))):
        result = load_file(path)
        if isinstance(result, Skipped):
            d = json.loads(Path(path).read_text(encoding="utf-8"))
            result = [
                Article(
                    id=d["id"], path=path, title=d["title"], paragraphs=tuple(d["text"].split("\n"))
                )
            ]
        out.extend(result)
    fnc = SHARED / "corpus" / "fnc1" / "bodies.jsonl"
    if fnc.exists():
        result = load_file(fnc)
        if not isinstance(result, Skipped):
            out.extend(result)
    return out


def words_per_second(articles, fn, repeat: int) -> float:
    """Best of ``repeat`` runs, in CPU seconds of this process: one core's throughput,
    not distorted by other processes competing for the machine."""
    words = sum(a.word_count + len(a.title.split()) for a in articles)
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        for a in articles:
            fn(a)
        best = min(best, time.process_time() - t)
    return words / best


STARTUP = """
import time
t0 = time.perf_counter()
import index
t1 = time.perf_counter()
import index.entities
from index.entities.gazetteer import load_gazetteer
load_gazetteer()
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def startup(cache_dir: str) -> tuple[float, float]:
    env = dict(os.environ, READER_CACHE_DIR=cache_dir)
    out = subprocess.run(
        [sys.executable, "-c", STARTUP],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    pkg, ours = (float(x) for x in out.stdout.split())
    return pkg, ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timing runs (best is kept)")
    args = parser.parse_args()
    set_backend("rules")
    gold = load_gold(SHARED / "gold" / "entities.json")
    seeds = load_seeds()
    baseline = Baseline()

    print(
        format_report(
            score(predictions(seeds, find_mentions), gold), "== ours, per article (find_mentions)"
        )
    )
    index = EntityIndex.build(seeds)
    print(
        format_report(
            score(predictions(seeds, index.mentions), gold), "\n== ours, corpus ids (EntityIndex)"
        )
    )
    base = score(predictions(seeds, baseline.mentions), gold)
    print(
        f"\n== baseline (capitalised sequences): P {base.overall.precision:.3f} "
        f"R {base.overall.recall:.3f} F1 {base.overall.f1:.3f}"
    )

    corpus = load_speed_corpus()
    words = sum(a.word_count + len(a.title.split()) for a in corpus)

    def ours(a: Article) -> None:
        from index.entities import backend

        backend._cache.clear()
        article_entities(a)

    ours(corpus[0])
    wps = words_per_second(corpus, ours, args.repeat)
    bps = words_per_second(corpus, baseline.mentions, args.repeat)
    t = time.process_time()
    EntityIndex.build(corpus)
    build = time.process_time() - t
    print(f"\n== speed on basil+fnc1: {len(corpus)} articles, {words} words, 1 core (CPU time)")
    print(f"ours (per article)     {wps:10,.0f} words/s")
    print(f"baseline regex         {bps:10,.0f} words/s   (ours = {wps / bps:.2f} x baseline)")
    print(
        f"EntityIndex.build      {build:10.2f} s        ({words / build:,.0f} words/s incl. merge + 2nd pass)"
    )

    with tempfile.TemporaryDirectory() as cache:
        cold_pkg, cold = startup(cache)
        warm = min(startup(cache)[1] for _ in range(args.repeat))
        pkg = min(startup(cache)[0] for _ in range(args.repeat))
    print("\n== start-up (fresh process)")
    print(f"import index (package, not ours) {pkg:6.3f} s")
    print(f"entities import + gazetteer      {warm:6.3f} s   (cached automaton; budget 0.300 s)")
    print(f"first run, cache cold            {cold:6.3f} s   (builds and pickles the gazetteer)")
    print(f"(load average {os.getloadavg()[0]:.1f}: wall-clock start-up times grow with it)")


if __name__ == "__main__":
    main()
