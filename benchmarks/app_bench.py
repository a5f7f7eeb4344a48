"""How fast the app feels: cold start to first painted frame, keystroke to painted results.

Usage:  python benchmarks/app_bench.py [--sizes 10000,100000] [--queries 100] [--out DIR]

Synthetic corpora (invented text: random common English words, made-up outlets and
dates) are generated and indexed once into ``benchmarks/out/`` and reused.  Baselines
measured in the same run:
- start: a bare Textual app (one Static) started and painted the same way;
- search: the engine's ``Library.search`` call alone, same queries, same page size.
"Keystroke to results" is measured from the moment the (150 ms) debounce fires, i.e.
the search is started, to the moment the frame with the new rows is handed to the
terminal driver; the debounce is a fixed, deliberate delay added on top.  The app is
measured in its steady state (start-up work in the background finished) and both the
app and the engine baseline start with an empty postings cache, as when a word is
typed for the first time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUTLETS = [
    "Meridian Post",
    "Harbor Ledger",
    "Northwind Times",
    "Cinder Daily",
    "Valley Courier",
    "Atlas Wire",
]
PER_FILE = 1000

START_APP = """
import sys, time
t0 = float(sys.argv[1])
from reader.app import ReaderApp
from reader.config import Config
from pathlib import Path

class Timed(ReaderApp):
    def on_mount(self):
        super().on_mount()
        self.call_after_refresh(self._painted)
        self.set_interval(0.005, self._results)
    def _painted(self):
        self.first_frame = time.time() - t0
    def _results(self):
        screen = self.screen
        if getattr(screen, "results", None) is not None and hasattr(self, "first_frame"):
            self.call_after_refresh(self._done)
    def _done(self):
        if not getattr(self, "reported", False):
            self.reported = True
            print(self.first_frame, time.time() - t0, flush=True)
            self.exit()

app = Timed([Path(sys.argv[2])], index_dir=Path(sys.argv[3]), config=Config.load(Path(sys.argv[4])), cursor_blink=False)
app.run(headless=True, size=(100, 30))
"""

START_BARE = """
import sys, time
t0 = float(sys.argv[1])
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self._painted)
    def _painted(self):
        print(time.time() - t0, flush=True)
        self.exit()

Bare().run(headless=True, size=(100, 30))
"""


def vocabulary() -> list[str]:
    from wordfreq import top_n_list

    return [w for w in top_n_list("en", 6000) if w.isalpha() and len(w) > 2]


def make_corpus(folder: Path, n: int, words: list[str], seed: int = 7) -> None:
    """``n`` invented articles in JSONL files of PER_FILE records."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    weights = [1 / (i + 1) for i in range(len(words))]  # Zipf-like, as in real text
    for f in range(0, n, PER_FILE):
        with open(folder / f"part-{f // PER_FILE:04d}.jsonl", "w", encoding="utf-8") as fh:
            for i in range(f, min(n, f + PER_FILE)):
                paras = []
                for _ in range(rng.randint(3, 8)):
                    sentence = rng.choices(words, weights, k=rng.randint(25, 70))
                    paras.append(" ".join(sentence).capitalize() + ".")
                record = {
                    "id": str(i),
                    "title": " ".join(
                        rng.choices(words, weights, k=rng.randint(5, 10))
                    ).capitalize(),
                    "outlet": rng.choice(OUTLETS),
                    "date": f"20{rng.randint(15, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "text": "\n\n".join(paras),
                }
                fh.write(json.dumps(record) + "\n")


def prepare(out: Path, n: int, words: list[str]):
    from index.store import Library

    corpus, index_dir = out / f"corpus-{n}", out / f"index-{n}"
    if not (corpus / "done").exists():
        make_corpus(corpus, n, words)
        (corpus / "done").write_text("", encoding="utf-8")
    library = Library.open([corpus], index_dir)
    if library.needs_update():
        started = time.perf_counter()
        print(f"  indexing {n} articles (once)...", flush=True)
        report = library.update()
        print(f"  indexed {report.documents} in {time.perf_counter() - started:.0f} s", flush=True)
    return corpus, index_dir, library


def cold_start(script: str, *args: str, runs: int = 5) -> list[list[float]]:
    """Seconds from spawning Python to each milestone the script prints (per run)."""
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", script, repr(time.time()), *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
        lines = [ln for ln in out.stdout.splitlines() if ln.strip()]
        if out.returncode != 0 or not lines:
            raise SystemExit(f"start-up run failed:\n{out.stderr[-2000:]}")
        times.append([float(x) for x in lines[-1].split()])
    return times


def queries(words: list[str], k: int, seed: int = 3) -> list[str]:
    """Mid-frequency words (the kind people search for), some pairs, some prefixes."""
    rng = random.Random(seed)
    pool = words[300:3000]
    out = []
    for i in range(k):
        w = rng.choice(pool)
        out.append(w if i % 3 else f"{w} {rng.choice(pool)}" if i % 2 else f"{w[:4]}*")
    return out


def forget_postings() -> None:
    """Drop the engine's cached postings and prefix expansions (docsets.py)."""
    from index import docsets

    docsets.forget()


def engine_times(library, qs: list[str], limit: int) -> list[float]:
    times = []
    for q in qs:
        started = time.perf_counter()
        library.search(q, limit=limit)
        times.append((time.perf_counter() - started) * 1000)
    return times


async def app_times(
    library, corpus: Path, index_dir: Path, qs: list[str], config_dir: Path
) -> tuple[list[float], int]:
    """ms from search start to the frame that paints its rows, for each query (the
    time that frame was handed to the terminal driver)."""
    from textual.widgets import Input
    from textual.worker import WorkerState

    from reader.app import ReaderApp
    from reader.config import Config
    from reader.screens.search import SearchScreen

    app = ReaderApp(
        [corpus],
        index_dir=index_dir,
        config=Config.load(config_dir),
        cursor_blink=False,
        library=library,
    )
    times: list[float] = []
    answered: dict[int, asyncio.Future] = {}

    def hook(message) -> None:
        # Told when the results message is handled, rather than polling for it: a
        # polling loop would compete with the search thread for the interpreter.
        if isinstance(message, SearchScreen.ResultsReady):
            future = answered.get(message.seq)
            if future is not None and not future.done():
                future.get_loop().call_soon(lambda f=future: f.done() or f.set_result(None))

    async with app.run_test(size=(100, 30), message_hook=hook) as pilot:
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        while screen.results is None:
            await pilot.pause(0.01)
        # steady state: the start-up work in the background (warming caches, checking
        # the corpus for changes) is over, as it is a second or two after opening
        while any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers):
            await pilot.pause(0.05)
        page = screen._page_size()
        box = screen.query_one("#query", Input)
        frames: list[float] = []
        display = app._display

        def timed_display(*args):  # when each frame has been handed to the terminal
            display(*args)
            frames.append(time.perf_counter())

        app._display = timed_display
        loop = asyncio.get_running_loop()
        for q in qs:
            # The keystrokes: the input shows the new text (painted before the
            # debounce fires, as when typing), then the debounce starts the search.
            with box.prevent(Input.Changed):
                box.value = q
            await pilot.pause()
            answered[screen._seq + 1] = loop.create_future()
            started = time.perf_counter()
            screen.run_search()  # what the debounce timer does when it fires
            await answered[screen._seq]
            frames.clear()  # the next frame written after the rows changed shows them
            while not frames:
                await asyncio.sleep(0.001)
            times.append((frames[0] - started) * 1000)
            await pilot.pause(0.2)  # the facet counts that follow land before the next query
    return times, page


def summary(label: str, values: list[float], unit: str = "ms") -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return f"{label:<42} median {statistics.median(values):8.1f} {unit}   p95 {p95:8.1f} {unit}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="10000", help="comma-separated corpus sizes (e.g. 10000,100000)"
    )
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "app")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if len(sizes) > 1:
        # each size in a fresh process, as a user runs the app: one corpus per process
        # (in one process the second size ran ~10 ms slower per query, with the first
        # app's heap frozen and its caches still held)
        for n in sizes:
            cmd = [sys.executable, __file__, "--sizes", str(n), "--queries", str(args.queries)]
            subprocess.run([*cmd, "--out", str(args.out)], check=True)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("READER_CACHE_DIR", str(args.out / "cache"))
    words = vocabulary()
    config_dir = args.out / "config"

    bare = [run[0] for run in cold_start(START_BARE)]
    print(summary("cold start, bare Textual app (baseline)", [t * 1000 for t in bare]))
    for n in sizes:
        print(f"\n== {n} articles")
        corpus, index_dir, library = prepare(args.out, n, words)
        runs = cold_start(START_APP, str(corpus), str(index_dir), str(config_dir))
        start = [run[0] for run in runs]
        print(summary("cold start to first painted frame", [t * 1000 for t in start]))
        print(summary("cold start to first results painted", [run[1] * 1000 for run in runs]))
        print(
            f"{'':<42} ratio to bare Textual: {statistics.median(start) / statistics.median(bare):.2f}x"
        )

        qs = queries(words, args.queries)
        engine_times(library, qs[:10], 20)  # warm caches the same way for both
        forget_postings()  # every query reads its words' postings afresh, as when typed
        app, page = asyncio.run(app_times(library, corpus, index_dir, qs, config_dir))
        forget_postings()
        engine = engine_times(library, qs, page)
        print(summary(f"engine search alone (limit={page}) (baseline)", engine))
        print(summary("search start -> painted results (app)", app))
        print(
            f"{'':<42} app overhead: median {statistics.median(app) - statistics.median(engine):.1f} ms, "
            f"ratio {statistics.median(app) / statistics.median(engine):.2f}x (+150 ms debounce)"
        )
        library.close()


if __name__ == "__main__":
    main()
