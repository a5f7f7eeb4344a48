"""Index and search benchmark: reader's Whoosh library vs SQLite FTS5, same corpus, same run.

Builds synthetic corpora of N articles by recombining real sentences from the shared
corpora (basil, fnc1, seeds) into JSON article files with titles, outlets and dates,
written to a temporary directory (never the repo).  For each size it measures:

- full index time and peak RSS (indexing runs in a child process; pool workers are
  reported separately), index size on disk;
- query latency (median, p95) for the top 20 with snippets over a fixed query set
  (reader also computes total hits and facets; FTS5 runs its MATCH + bm25() +
  snippet() query plus a COUNT(*) for the total);
- re-index time after one file changed (median of EDITS edits, each in a fresh
  process) and after one file was added;

and prints each next to FTS5 as a ratio (reader / FTS5).

    python benchmarks/index_bench.py                  # 1000 and 10000 articles
    python benchmarks/index_bench.py --sizes 100000   # the 100k target run
    python benchmarks/index_bench.py --sizes 1000 --work DIR   # queries again on a kept run
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT))

OUTLETS = [
    "Daily Ledger",
    "Morning Courier",
    "The Northern Star",
    "Capital Wire",
    "Evening Gazette",
    "Harbor Times",
    "Plains Observer",
    "Metro Dispatch",
    "Global Sentinel",
    "Valley Herald",
    "The Record",
    "Coastal Post",
]

# (reader query, FTS5 MATCH expression, extra SQL condition on date or None)
QUERIES: list[tuple[str, str, str | None]] = [
    ("president", "president", None),
    ("obama", "obama", None),
    ("trump administration", "trump AND administration", None),
    ('"white house"', '"white house"', None),
    ("immigration reform", "immigration AND reform", None),
    ("elect*", "elect*", None),
    ("police AND shooting", "police AND shooting", None),
    ("climate OR environment", "climate OR environment", None),
    ("israel NOT gaza", "israel NOT gaza", None),
    ("title:trump", "title:trump", None),
    ('outlet:"Daily Ledger" congress', 'outlet:"daily ledger" AND congress', None),
    ("tax date:[2018-01-01 to 2018-12-31]", "tax", "date BETWEEN '2018-01-01' AND '2018-12-31'"),
    ("congress vote", "congress AND vote", None),
    ("north korea missile", "north AND korea AND missile", None),
    ("isis video", "isis AND video", None),
    ("apple iphone", "apple AND iphone", None),
    ('"health care"', '"health care"', None),
    ("supreme court ruling", "supreme AND court AND ruling", None),
    ("government shutdown", "government AND shutdown", None),
    ("senat~", "senate", None),
]


# ----------------------------------------------------------------------------- corpus


def _sentences() -> tuple[list[str], list[str]]:
    splitter = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
    texts: list[str] = []
    titles: list[str] = []
    for f in sorted((SHARED / "basil").glob("*.json")):
        rec = json.loads(f.read_text(encoding="utf-8"))
        texts.append(rec.get("text") or "")
        if rec.get("title"):
            titles.append(rec["title"])
    fnc = SHARED / "fnc1" / "bodies.jsonl"
    if fnc.exists():
        for line in fnc.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line).get("text") or "")
    for f in sorted((SHARED / "seeds").glob("*.txt")):
        texts.append(f.read_text(encoding="utf-8"))
    sentences = []
    for t in texts:
        for s in splitter.split(t.replace("\n", " ")):
            s = " ".join(s.split())
            if 40 <= len(s) <= 400:
                sentences.append(s)
    return sentences, titles


def build_corpus(n: int, out: Path, seed: int = 7) -> None:
    """N article JSON files under ``out`` (1000 per sub-folder)."""
    sentences, titles = _sentences()
    rng = random.Random(seed)
    for i in range(n):
        k = rng.randint(8, 32)
        sents = rng.sample(sentences, k)
        paras, j = [], 0
        while j < k:
            step = rng.randint(1, 4)
            paras.append(" ".join(sents[j : j + step]))
            j += step
        title = rng.choice(titles) if rng.random() < 0.7 else sents[0][:90]
        year = rng.randint(2010, 2023)
        rec = {
            "id": f"a{i}",
            "title": title,
            "outlet": rng.choice(OUTLETS),
            "date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "url": f"https://example.invalid/{i}",
            "text": "\n\n".join(paras),
        }
        d = out / f"{i // 1000:04d}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"a{i}.json").write_text(json.dumps(rec), encoding="utf-8")


# ----------------------------------------------------------------------------- children


def _rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def child_reader_index(corpus: str, index_dir: str) -> dict:
    from index.store import Library

    t = time.perf_counter()
    phases: list[list] = []  # [name, seconds, indexer's peak RSS when it ended]

    def tick(p) -> None:
        if not phases or phases[-1][0] != p.phase:
            now = time.perf_counter() - t
            if phases:
                phases[-1][1:] = [now - phases[-1][1], _rss_mb(resource.RUSAGE_SELF)]
            phases.append([p.phase, now, 0.0])

    with Library.open([corpus], Path(index_dir)) as lib:
        report = lib.update(tick)
    seconds = time.perf_counter() - t
    if phases:
        phases[-1][1:] = [seconds - phases[-1][1], _rss_mb(resource.RUSAGE_SELF)]
    return {
        "seconds": seconds,
        "docs": report.documents,
        "rss_mb": _rss_mb(resource.RUSAGE_SELF),
        "workers_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN),
        "phases": phases,
    }


def child_reader_update(corpus: str, index_dir: str) -> dict:
    from index.store import Library

    t = time.perf_counter()
    with Library.open([corpus], Path(index_dir)) as lib:
        t1 = time.perf_counter()
        report = lib.update()
        t2 = time.perf_counter()
    return {
        "seconds": t2 - t1,
        "with_open": t2 - t,
        "updated": report.updated,
        "added": report.added,
        "rss_mb": _rss_mb(resource.RUSAGE_SELF),
    }


def _fts_rows(corpus: Path):
    for f in sorted(corpus.rglob("*.json")):
        rec = json.loads(f.read_text(encoding="utf-8"))
        yield (str(f), rec["title"], rec["text"], rec["outlet"], rec["date"])


def child_fts_index(corpus: str, db: str) -> dict:
    t = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, title, body, outlet, date UNINDEXED, "
        "tokenize='porter unicode61')"
    )
    con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?)", _fts_rows(Path(corpus)))
    con.commit()
    con.close()
    return {"seconds": time.perf_counter() - t, "rss_mb": _rss_mb(resource.RUSAGE_SELF)}


def child_fts_update(corpus: str, db: str, path: str) -> dict:
    t = time.perf_counter()
    con = sqlite3.connect(db)
    rec = json.loads(Path(path).read_text(encoding="utf-8"))
    con.execute("DELETE FROM docs WHERE path = ?", (path,))
    con.execute(
        "INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
        (path, rec["title"], rec["text"], rec["outlet"], rec["date"]),
    )
    con.commit()
    con.close()
    return {"seconds": time.perf_counter() - t}


def child_stage_costs(corpus: str) -> dict:
    """ms per article for the stages before Whoosh (load+clean, entities) and for
    writing a segment alone, on a warm sample: who owns the indexing time.  The
    segment is written as the build's workers write it (``bulk.BulkWriter``) and,
    as the baseline, by Whoosh's own SegmentWriter."""
    import tempfile as _tf

    from whoosh.filedb.filestore import FileStorage
    from whoosh.writing import SegmentWriter

    from index.bulk import BulkWriter
    from index.entities import canonical_entities
    from index.pipeline import load_file
    from index.schema import build_schema, document

    files = sorted(Path(corpus).rglob("*.json"))[:150]
    for f in files[:5]:
        canonical_entities(load_file(f)[0])  # warm caches (gazetteer, word lists)
    t = time.perf_counter()
    arts = [a for f in files for a in load_file(f)]
    t_load = time.perf_counter() - t
    t = time.perf_counter()
    ents = [canonical_entities(a) for a in arts]
    t_ent = time.perf_counter() - t
    # Whoosh's share on a realistic segment size (per-term costs amortise with size)
    more = [a for f in sorted(Path(corpus).rglob("*.json"))[:1000] for a in load_file(f)]
    docs = [document(a, ents[i % len(ents)], None) for i, a in enumerate(more)]
    seconds = {}
    for name, writer in (("whoosh", SegmentWriter), ("bulk", BulkWriter)):
        with _tf.TemporaryDirectory() as d:
            ix = FileStorage(d, supports_mmap=False).create_index(build_schema())
            w = writer(ix, _lk=False)
            t = time.perf_counter()
            for doc in docs:
                w.add_document(**doc)
            w._finalize_segment()
            seconds[name] = time.perf_counter() - t
            w._finish()
    n = len(arts)
    return {
        "load_clean_ms": 1000 * t_load / n,
        "entities_ms": 1000 * t_ent / n,
        "whoosh_ms": 1000 * seconds["whoosh"] / len(docs),
        "bulk_ms": 1000 * seconds["bulk"] / len(docs),
    }


CHILDREN = {
    "stage-costs": child_stage_costs,
    "reader-index": child_reader_index,
    "reader-update": child_reader_update,
    "fts-index": child_fts_index,
    "fts-update": child_fts_update,
}


def run_child(name: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", name, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if out.returncode != 0:
        raise SystemExit(f"{name} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- queries


def reader_queries(corpus: Path, index_dir: Path, rounds: int) -> tuple[list[float], dict]:
    from index.store import Library

    times: list[float] = []
    totals = {}
    with Library.open([corpus], index_dir, readonly=True) as lib:
        for q, _, _ in QUERIES:  # warm-up: column caches, first touch of segments
            lib.search(q, limit=20)
        for _ in range(rounds):
            for q, _, _ in QUERIES:
                t = time.perf_counter()
                res = lib.search(q, limit=20)
                times.append((time.perf_counter() - t) * 1000)
                totals[q] = res.total
    return times, totals


def fts_queries(db: Path, rounds: int) -> tuple[list[float], dict]:
    con = sqlite3.connect(db)
    times: list[float] = []
    totals = {}

    def run(match: str, cond: str | None) -> int:
        where = "docs MATCH ?" + (f" AND {cond}" if cond else "")
        rows = con.execute(
            "SELECT path, title, snippet(docs, 2, '[', ']', '…', 24), bm25(docs, 0, 2.0, 1.0, 1.0) AS s "
            f"FROM docs WHERE {where} ORDER BY s LIMIT 20",
            (match,),
        ).fetchall()
        total = con.execute(f"SELECT count(*) FROM docs WHERE {where}", (match,)).fetchone()[0]
        return total if rows or total == 0 else total

    for _, m, c in QUERIES:
        run(m, c)
    for _ in range(rounds):
        for q, m, c in QUERIES:
            t = time.perf_counter()
            totals[q] = run(m, c)
            times.append((time.perf_counter() - t) * 1000)
    con.close()
    return times, totals


def _p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def _du(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


EDITS = 5  # one-file edits measured (median reported)
EDITS_NOTE = f" ×{EDITS}"


ADDED_NAME = "bench-added.json"


def bench(n: int, work: Path, rounds: int, corpus: Path | None = None) -> dict:
    corpus = corpus or work / f"corpus-{n}"
    t = time.perf_counter()
    if not corpus.exists():
        build_corpus(n, corpus)
    for stale in corpus.glob(f"*/{ADDED_NAME}"):  # a reused corpus: the last run's addition
        if not (work / f"ix-{n}").exists():
            stale.unlink()
    print(
        f"\n== {n} articles (corpus built in {time.perf_counter() - t:.1f}s at {corpus})",
        flush=True,
    )
    ix = work / f"ix-{n}"
    db = work / f"fts-{n}.sqlite"

    if ix.exists() and db.exists():  # --work: a kept run's indexes, queries measured again
        print("(indexes reused from the kept run: build time and RSS not measured)")
        r_idx = {"seconds": float("nan"), "rss_mb": float("nan"), "docs": "?"}
        r_idx["workers_rss_mb"] = float("nan")
        f_idx = {"seconds": float("nan"), "rss_mb": float("nan")}
    else:
        r_idx = run_child("reader-index", str(corpus), str(ix))
        f_idx = run_child("fts-index", str(corpus), str(db))
    r_q, r_tot = reader_queries(corpus, ix, rounds)
    f_q, f_tot = fts_queries(db, rounds)

    # one changed file, then one added file: each in a fresh process (as a user's
    # ``reader index`` runs), edits repeated on files spread over the corpus, median
    files = sorted(corpus.rglob("*.json"))
    r_ups, f_ups = [], []
    for k in range(EDITS):
        changed = files[k * len(files) // EDITS]
        rec = json.loads(changed.read_text(encoding="utf-8"))
        rec["text"] += "\n\nA late correction was added to this article by the benchmark."
        changed.write_text(json.dumps(rec), encoding="utf-8")
        r_ups.append(run_child("reader-update", str(corpus), str(ix)))
        f_ups.append(run_child("fts-update", str(corpus), str(db), str(changed)))
    r_up = sorted(r_ups, key=lambda r: r["seconds"])[EDITS // 2]
    f_up = sorted(f_ups, key=lambda r: r["seconds"])[EDITS // 2]
    source = json.loads(files[len(files) // 3].read_text(encoding="utf-8"))
    source["title"] += " (a follow-up)"
    added = files[len(files) // 3].with_name(ADDED_NAME)
    added.write_text(json.dumps(source), encoding="utf-8")
    r_add = run_child("reader-update", str(corpus), str(ix))
    f_add = run_child("fts-update", str(corpus), str(db), str(added))

    rows = [
        ("full index (s)", r_idx["seconds"], f_idx["seconds"]),
        ("index size (MB)", _du(ix) / 1e6, _du(db) / 1e6),
        ("query median (ms)", statistics.median(r_q), statistics.median(f_q)),
        ("query p95 (ms)", _p95(r_q), _p95(f_q)),
        (f"one changed file (s){EDITS_NOTE}", r_up["seconds"], f_up["seconds"]),
        ("one added file (s)", r_add["seconds"], f_add["seconds"]),
        ("peak RSS indexer (MB)", r_idx["rss_mb"], f_idx["rss_mb"]),
    ]
    print(f"{'':24}{'reader':>12}{'FTS5':>12}{'ratio':>9}")
    for name, a, b in rows:
        print(f"{name:24}{a:12.3f}{b:12.3f}{(a / b if b else float('inf')):9.1f}x")
    print(
        f"reader: {r_idx['docs']} docs; parse workers peak RSS {r_idx['workers_rss_mb']:.0f} MB; "
        f"one-file update incl. open {r_up['with_open']:.2f}s, updated={r_up['updated']}; "
        f"edits {', '.join(format(r['seconds'], '.2f') for r in r_ups)} s; "
        f"added={r_add['added']}"
    )
    if r_idx.get("phases"):
        steps = ", ".join(
            f"{name} {sec:.1f}s (peak {mb:.0f} MB)" for name, sec, mb in r_idx["phases"]
        )
        print(f"reader build steps: {steps}")
    st = run_child("stage-costs", str(corpus))
    print(
        f"per article, one core: load+clean {st['load_clean_ms']:.1f} ms, entities "
        f"{st['entities_ms']:.1f} ms, segment {st['bulk_ms']:.1f} ms "
        f"(Whoosh's own writer: {st['whoosh_ms']:.1f} ms, "
        f"{st['whoosh_ms'] / st['bulk_ms']:.1f}x)"
    )
    mism = {q: (r_tot[q], f_tot.get(q)) for q in r_tot if r_tot[q] != f_tot.get(q)}
    if mism:
        print("total hits differ (reader, fts5) — tokenizers/stemmers differ:", mism)
    return {"n": n, "rows": rows}


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes")
    ap.add_argument("--rounds", type=int, default=3, help="passes over the query set")
    ap.add_argument("--keep", action="store_true", help="keep the temporary corpora and indexes")
    ap.add_argument(
        "--corpus", type=Path, help="reuse a corpus kept by an earlier --keep run (one size)"
    )
    ap.add_argument(
        "--work", type=Path, help="a directory kept by --keep: reuse its corpora and indexes"
    )
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        name, *rest = args.child
        print(json.dumps(CHILDREN[name](*rest)))
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="reader-bench-"))
    try:
        for n in (int(s) for s in args.sizes.split(",") if s.strip()):
            bench(n, work, args.rounds, args.corpus)
    finally:
        if args.keep or args.work:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("READER_CACHE_DIR", tempfile.mkdtemp(prefix="reader-bench-cache-"))
    main()
