"""Hostile-input report: build the hostile corpus, load it, say what happened.

    python benchmarks/hostile_report.py [--keep DIR] [--queries N]

Prints files tried, articles, every skip with its reason, crashes (must be 0),
internal errors (must be 0), outcome mismatches against the corpus's expectations
(must be 0), files whose bytes or mtime changed (must be 0), the slowest files, and
the load time against a baseline measured in the same run (the same number of
well-formed article files).  Then it indexes the corpus (Library.update, as
``reader index`` does: crashes, skips with reasons, mismatches must be 0) and runs
``--queries`` hypothesis-generated queries through Library.search (failures must be 0).  Exit status 1 when a must-be-zero number is not zero.

Extending: a stage is a function ``(ctx: Context) -> None`` that reads what earlier
stages left in ``ctx`` and records numbers with ``ctx.metric(name, value, must_be_zero)``
and free text with ``ctx.note(...)``.  Append it to ``STAGES`` (or pass your own list
to ``run``); e.g. an indexing stage can use ``ctx.root`` and ``ctx.results``, and a
query-fuzzing stage can add its crash counts.  The integrity stage runs last so it
also covers whatever later stages did.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from hostile import (  # noqa: E402
    ARTICLE,
    INDEXED,
    REASONS,
    denied_reads,
    make_hostile_corpus,
    snapshot,
)

from index.load import ScanStats, iter_files  # noqa: E402
from index.model import Skipped  # noqa: E402
from index.pipeline import INTERNAL_ERROR, FileReport, load_file_report  # noqa: E402


@dataclass
class Metric:
    name: str
    value: Any
    must_be_zero: bool = False

    @property
    def failed(self) -> bool:
        return self.must_be_zero and bool(self.value)


@dataclass
class Context:
    """Shared state between stages."""

    workdir: Path
    root: Path = Path()
    expected: dict[str, str] = field(default_factory=dict)
    before: dict[str, tuple] = field(default_factory=dict)
    results: list[FileReport] = field(default_factory=list)
    stats: ScanStats = field(default_factory=ScanStats)
    metrics: list[Metric] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def metric(self, name: str, value: Any, must_be_zero: bool = False) -> None:
        self.metrics.append(Metric(name, value, must_be_zero))

    def note(self, text: str) -> None:
        self.notes.append(text)

    def rel(self, path: str) -> str:
        return os.path.relpath(path, self.root)

    @property
    def failed(self) -> bool:
        return any(m.failed for m in self.metrics)


Stage = Callable[[Context], None]


def build(ctx: Context) -> None:
    ctx.root = ctx.workdir / "hostile"
    start = time.perf_counter()
    ctx.expected = make_hostile_corpus(ctx.root)
    ctx.before = snapshot(ctx.root)
    ctx.metric("corpus files (expected outcomes)", len(ctx.expected))
    ctx.metric("build time (s)", round(time.perf_counter() - start, 2))


def _load_each(
    paths: list[Path | Skipped], ctx: Context | None
) -> tuple[list[FileReport], int, float]:
    """Load file by file, catching anything that escapes so a crash is counted, not fatal."""
    results, crashes, slowest = [], 0, []
    for item in paths:
        if isinstance(item, Skipped):
            results.append(FileReport(item.path, skipped=(item,)))
            continue
        start = time.perf_counter()
        try:
            results.append(load_file_report(item))
        except Exception:  # noqa: BLE001 - this is what the report counts
            crashes += 1
            if ctx is not None:
                ctx.note(f"CRASH {ctx.rel(str(item))}:\n{traceback.format_exc(limit=3)}")
        slowest.append((time.perf_counter() - start, str(item)))
    if ctx is not None:
        for seconds, path in sorted(slowest, reverse=True)[:3]:
            ctx.note(f"slow: {ctx.rel(path)} {seconds * 1000:.0f} ms")
    return results, crashes, sum(s for s, _ in slowest)


def _warm_up(ctx: Context) -> None:
    """Load one text and one HTML file first, so import/first-call costs are not timed."""
    warm = ctx.workdir / "warm-up"
    warm.mkdir()
    (warm / "a.txt").write_text(ARTICLE, encoding="utf-8")
    paras = "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n\n"))
    (warm / "b.html").write_text(f"<html><body><article>{paras}</article></body></html>")
    for path in sorted(warm.iterdir()):
        load_file_report(path)


def load(ctx: Context) -> None:
    _warm_up(ctx)
    with denied_reads():
        start = time.perf_counter()
        items = list(iter_files([ctx.root], stats=ctx.stats))
        ctx.results, crashes, _ = _load_each(items, ctx)
        elapsed = time.perf_counter() - start

    # Baseline in the same run: as many well-formed article files as were tried.
    base = ctx.workdir / "baseline"
    base.mkdir()
    for i in range(len(items)):
        (base / f"article_{i:03d}.txt").write_text(ARTICLE, encoding="utf-8")
    start = time.perf_counter()
    _load_each(list(iter_files([base])), None)
    baseline = time.perf_counter() - start

    file_skips = [s for r in ctx.results if not r.articles for s in r.skipped]
    record_skips = [s for r in ctx.results if r.articles for s in r.skipped]
    internal = [s for r in ctx.results for s in r.skipped if INTERNAL_ERROR in s.reason]
    ctx.metric("files tried", len(ctx.results))
    ctx.metric("walk summary", ctx.stats.summary())
    ctx.metric("articles loaded", sum(len(r.articles) for r in ctx.results))
    ctx.metric("files skipped", len(file_skips))
    ctx.metric("records skipped inside loaded files", len(record_skips))
    ctx.metric("crashes", crashes, must_be_zero=True)
    ctx.metric("internal errors", len(internal), must_be_zero=True)
    ctx.metric("load time (s)", round(elapsed, 2))
    ctx.metric("baseline: same number of clean .txt files (s)", round(baseline, 2))
    ctx.metric("hostile / baseline time ratio", round(elapsed / baseline, 1) if baseline else "n/a")
    for skip in file_skips + record_skips:
        ctx.note(f"skipped {ctx.rel(skip.path)!r}: {skip.reason[:140]}")

    outcomes = {ctx.rel(r.path): r for r in ctx.results}
    mismatches = []
    for name, outcome in ctx.expected.items():
        result = outcomes.get(name)
        got = INDEXED if result is not None and result.articles else "skipped"
        if got != outcome:
            mismatches.append(f"{name!r}: expected {outcome}, got {got}")
        elif got != INDEXED and REASONS[name] not in result.skipped[0].reason:
            mismatches.append(
                f"{name!r}: reason {result.skipped[0].reason!r} lacks {REASONS[name]!r}"
            )
    ctx.metric("outcome mismatches", len(mismatches), must_be_zero=True)
    ctx.notes.extend(f"MISMATCH {m}" for m in mismatches)


def integrity(ctx: Context) -> None:
    after = snapshot(ctx.root)
    changed = [k for k in ctx.before if after.get(k) != ctx.before[k]]
    changed += [k for k in after if k not in ctx.before]
    ctx.metric("files whose bytes or mtime changed (or appeared)", len(changed), must_be_zero=True)
    ctx.notes.extend(f"CHANGED {k!r}" for k in changed)


def index(ctx: Context) -> None:
    """Index the corpus the way ``reader index`` does (Library.update, worker processes)."""
    from index.store import Library

    os.environ["READER_CACHE_DIR"] = str(ctx.workdir / "cache")  # not the user's cache
    start = time.perf_counter()
    crashes, report = 0, None
    try:
        with denied_reads(), Library.open([ctx.root], ctx.workdir / "index") as library:
            report = library.update()
    except Exception:  # noqa: BLE001 - this is what the report counts
        crashes = 1
        ctx.note(f"INDEX CRASH:\n{traceback.format_exc(limit=4)}")
    ctx.metric("index: crashes", crashes, must_be_zero=True)
    if report is None:
        return
    skipped = {ctx.rel(s.path): s.reason for s in report.skipped}
    expected_skips = {n for n, o in ctx.expected.items() if o != INDEXED}
    ctx.metric("index: files tried", report.added + report.updated + len(report.skipped))
    ctx.metric("index: articles indexed", report.documents)
    ctx.metric("index: files skipped", len(skipped))
    ctx.metric("index: skips without a reason", sum(not r for r in skipped.values()), True)
    wrong = sorted(expected_skips ^ set(skipped))
    wrong += [n for n in expected_skips & set(skipped) if REASONS[n] not in skipped[n]]
    ctx.metric("index: skip mismatches vs expected (file or reason)", len(wrong), True)
    ctx.notes.extend(f"INDEX MISMATCH {n!r}: {skipped.get(n, 'indexed')}" for n in wrong)
    ctx.metric("index time (s)", round(time.perf_counter() - start, 2))


def fuzz_queries(ctx: Context, examples: int = 1000) -> None:
    """Hypothesis-generated queries (tests/test_fuzz_queries.py) against a small index."""
    from hypothesis import HealthCheck, Phase, given, settings
    from test_fuzz_queries import build_library, check_query, queries

    os.environ["READER_CACHE_DIR"] = str(ctx.workdir / "cache")
    library = build_library(ctx.workdir / "fuzz")
    failures: dict[str, list[str]] = {}
    timings: list[tuple[float, str]] = []

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(queries())
    def run_one(query: str) -> None:
        start = time.perf_counter()
        try:
            check_query(library, query)
        except Exception as exc:  # noqa: BLE001 - counted, not raised
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            key = f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"
            failures.setdefault(key, []).append(query)
        timings.append((time.perf_counter() - start, query))

    start = time.perf_counter()
    run_one()
    elapsed = time.perf_counter() - start
    library.close()
    ctx.metric("queries run", len(timings))
    ctx.metric("query failures", sum(len(v) for v in failures.values()), must_be_zero=True)
    ctx.metric("query time: total (s)", round(elapsed, 1))
    if timings:
        ms = sorted(t * 1000 for t, _ in timings)
        ctx.metric("query time: median / max (ms)", f"{ms[len(ms) // 2]:.1f} / {ms[-1]:.0f}")
    for key, examples_ in sorted(failures.items()):
        ctx.note(f"QUERY FAILURE {key} x{len(examples_)}, e.g. {examples_[0]!r}")
    for seconds, query in sorted(timings, reverse=True)[:3]:
        ctx.note(f"slow query: {seconds * 1000:.0f} ms {query!r}")


STAGES: list[tuple[str, Stage]] = [
    ("build", build),
    ("load", load),
    ("index", index),
    ("fuzz queries", fuzz_queries),
    ("integrity", integrity),
]


def run(stages: list[tuple[str, Stage]] = STAGES, workdir: Path | None = None) -> Context:
    """Run ``stages`` in a fresh temporary folder (or ``workdir``, kept afterwards)."""
    temp = None if workdir else tempfile.mkdtemp(prefix="reader-hostile-")
    ctx = Context(workdir=Path(workdir or temp).resolve())
    ctx.workdir.mkdir(parents=True, exist_ok=True)
    try:
        for name, stage in stages:
            try:
                stage(ctx)
            except Exception:  # noqa: BLE001 - a broken stage is a reported failure
                ctx.metric(f"stage {name!r} raised", 1, must_be_zero=True)
                ctx.note(f"STAGE {name} FAILED:\n{traceback.format_exc(limit=5)}")
    finally:
        if temp:
            shutil.rmtree(temp, ignore_errors=True)
    return ctx


def render(ctx: Context) -> str:
    width = max(len(m.name) for m in ctx.metrics) if ctx.metrics else 0
    lines = ["hostile-input report", "=" * 20]
    for m in ctx.metrics:
        flag = "  <-- must be 0" if m.failed else ""
        lines.append(f"{m.name:<{width}}  {m.value}{flag}")
    if ctx.notes:
        lines += ["", "details", "-" * 7, *ctx.notes]
    lines += ["", "RESULT: " + ("FAIL" if ctx.failed else "OK")]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the corpus in this folder and keep it")
    parser.add_argument("--queries", type=int, default=1000, help="fuzzed queries to run")
    args = parser.parse_args(argv)
    stages = [
        (name, (lambda c, n=args.queries: fuzz_queries(c, n)) if stage is fuzz_queries else stage)
        for name, stage in STAGES
    ]
    ctx = run(stages, workdir=args.keep)
    print(render(ctx).encode("ascii", "backslashreplace").decode("ascii"))
    return 1 if ctx.failed else 0


if __name__ == "__main__":
    sys.exit(main())
