"""The on-disk library: a Whoosh index of one corpus, kept in step with its files.

Usage (the app, the CLI and other engine modules code against exactly this)::

    with Library.open([folder], index_dir=None, readonly=False) as lib:
        if lib.needs_update():                       # cheap: stat only
            report = lib.update(progress_callback)   # IndexReport; rebuild=True for a fresh build
        results = lib.search('missile date:2023-06', limit=20, sort="relevance",
                             filters={"outlet": "Yonhap"}, snippets=True, facets=True)
        article = lib.get(results.hits[0].id)        # or by source path
        lib.idf("missiles"); len(lib); lib.articles()

Layout of an index directory::

    .reader-index   marker (JSON: schema version, corpus) so we never clobber a stranger's dir
    CURRENT         name of the live generation directory, replaced atomically on rebuild
    g<N>/           Whoosh segments + manifest.sqlite (which files hold which articles)
                    + manifest.snapshot (its stat columns, for a quick re-run)
                    + scan.json (the file list and folder mtimes of the last walk)
                    + stories.npz (what the last full story pass learned: stories.StoryModel)
    update.lock     flock held by the one process updating (released by the kernel on death)

``update`` is incremental: unchanged files cost one ``stat``; files whose stat changed
are hashed, and only files whose bytes changed are parsed again (per article for
multi-article files).  Many files are parsed by two worker processes that write
their own segments (build.py); each finished chunk is one commit, so a long update
is searchable early, and a crash (even ``kill -9``) leaves the last commit usable.
After the documents, corpus-level fields (stories) are computed by
``corpus_pass.finalize`` and applied in one more commit.  A first build of many
files reads them all before writing anything, groups the stories, then writes each
document once with its story (``_build_once``): rewriting ~40% of a fresh corpus
cost more than the wait for the first results.

Errors a user can act on are ``errors.LibraryError`` subclasses with plain messages.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage

from . import blocks, corpus_pass
from .build import (
    PREPARED_SUFFIX,
    TMP_PREFIX,
    Job,
    Outcome,
    Pool,
    Preparer,
    Read,
    SpooledArticles,
    adopt_segment,
    chunks,
    index_chunk,
    merge_tiny,
    plan,
    read_chunk,
    reindex_chunk,
    remove_leftovers,
    restyle,
    write_chunk,
    write_units,
)
from .columns import ColumnView
from .dates import DateSurvey
from .errors import IndexNotFound, IndexUnwritable, LibraryError
from .files import replace_file
from .ingest import parse_file
from .locking import UpdateLock
from .manifest import FileEntry, LazyEntries, Manifest
from .model import Article, IndexProgress, IndexReport, SearchResults, Skipped
from .paths import MARKER, default_index_dir, remember_corpus, resolve_corpus
from .scan import corpus_files, stat_all, stat_dict
from .scan import remember as remember_scan
from .schema import SCHEMA_VERSION, build_schema, entity_names, path_key, unpack_article
from .stories import ProfileTable, StoryModel, load_word_keys, save_word_keys

__all__ = ["Library", "LibraryError", "IndexNotFound", "IndexUnwritable"]

Progress = Callable[[IndexProgress], None]

BATCH_DOCS = 2000  # commit this often during a long build so results show up early
POOL_MIN_FILES = 24  # below this, parsing in-process beats starting workers
WORKER_DIED = (
    "an indexing worker process died (out of memory?); everything committed so far is "
    "kept: run reader index again to continue"
)
WRITER_MB = 128
STORY_MODEL = "stories.npz"
# manifest meta: the article ids whose stories (corpus-level values) are still due,
# "*" for all of them.  Set before documents change and cleared once the story pass
# has finished, so a run stopped in between (Ctrl+C, the app quitting) is caught up by
# the next one, which would otherwise find no changed file and group nothing.
REGROUP = "regroup"
REGROUP_MAX = 5000  # more ids than this are recorded as "*"


class Library:
    """One corpus and its index.  Thread-safe for one updater plus concurrent searches."""

    def __init__(self, corpus: tuple[Path, ...], index_dir: Path, readonly: bool) -> None:
        self.corpus = corpus
        self.index_dir = index_dir
        self.readonly = readonly
        self._lock = threading.RLock()
        self._gen: str | None = None
        self._ix: Any = None
        self._searcher: Any = None
        self._searcher_gen = -1
        self._manifest: Manifest | None = None

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        corpus: Sequence[str | os.PathLike],
        index_dir: Path | None = None,
        *,
        readonly: bool = False,
    ) -> Library:
        """Open (creating unless ``readonly``) the index of ``corpus``.

        Raises IndexNotFound (readonly and no index yet), IndexUnwritable, LibraryError.
        """
        roots = resolve_corpus(corpus)
        directory = (
            Path(index_dir).expanduser().resolve() if index_dir else default_index_dir(roots)
        )
        lib = cls(roots, directory, readonly)
        if readonly:
            if not (directory / MARKER).exists() or not (directory / "CURRENT").exists():
                raise IndexNotFound(
                    f"no index at {directory}; build one with: reader index "
                    + " ".join(str(r) for r in roots)
                )
        else:
            lib._create_if_needed()
        lib._open_generation()
        return lib

    def _create_if_needed(self) -> None:
        d = self.index_dir
        try:
            if d.exists() and any(d.iterdir()) and not (d / MARKER).exists():
                raise LibraryError(
                    f"{d} exists and is not a reader index; choose an empty or new directory"
                )
            d.mkdir(parents=True, exist_ok=True)
            marker = d / MARKER
            if not marker.exists():
                info = {"schema": SCHEMA_VERSION, "corpus": [str(r) for r in self.corpus]}
                replace_file(marker, json.dumps(info, indent=1), durable=True)
            if not (d / "CURRENT").exists():
                gen = "g1"
                _create_whoosh(d / gen)
                replace_file(d / "CURRENT", gen, durable=True)
        except OSError as exc:
            raise _unwritable(d, exc) from exc

    def _read_current(self) -> str:
        try:
            return (self.index_dir / "CURRENT").read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise IndexNotFound(f"no index at {self.index_dir} ({exc.strerror})") from exc

    def _open_generation(self) -> None:
        """(Re)open whatever generation CURRENT names; cheap when it has not changed."""
        gen = self._read_current()
        if gen == self._gen and self._ix is not None:
            return
        gdir = self.index_dir / gen
        try:
            # No mmap: a full scan of stored articles would otherwise count the
            # whole file toward the process' RSS.
            storage = FileStorage(str(gdir), readonly=self.readonly, supports_mmap=False)
            ix = storage.open_index(schema=None)
        except Exception as exc:  # whoosh raises its own EmptyIndexError, OSError...
            raise LibraryError(f"cannot open the index at {gdir}: {exc}") from exc
        if "article" not in ix.schema.names():
            raise LibraryError(
                f"{gdir} was built by an incompatible version; run reader index --rebuild"
            )
        old_searcher, old_manifest = self._searcher, self._manifest
        self._ix, self._gen, self._searcher, self._manifest = ix, gen, None, None
        for thing in (old_searcher, old_manifest):
            if thing is not None:
                thing.close()

    @property
    def _gen_dir(self) -> Path:
        return self.index_dir / (self._gen or self._read_current())

    def _manifest_ro(self) -> Manifest:
        if self._manifest is None:
            self._manifest = Manifest(self._gen_dir, readonly=self.readonly)
        return self._manifest

    def searcher(self) -> Any:
        """A Whoosh searcher that sees the latest commit (checked on every call).

        Not ``Searcher.refresh()``: whoosh-reloaded 2.7.5 reuses segment readers
        by segment id there, so documents deleted since stay visible.
        """
        with self._lock:
            self._open_generation()
            generation = self._ix.latest_generation()
            if self._searcher is None or self._searcher_gen != generation:
                old, self._searcher = self._searcher, self._ix.searcher()
                self._searcher_gen = generation
                if old is not None:
                    old.close()
            return self._searcher

    # ------------------------------------------------------------------ reading

    def __len__(self) -> int:
        with self._lock:
            return self.searcher().doc_count()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            if self._manifest is not None:
                self._manifest.close()
            self._searcher = self._manifest = self._ix = None
            self._gen = None

    def get(self, key: str) -> Article | None:
        """An article by id, or the (first) article of a source file by path."""
        key = str(key).strip()
        if not key:
            return None
        with self._lock:
            s = self.searcher()
            fields = s.document(id=key)
            if fields is None:
                for candidate in self._path_candidates(key):
                    fields = s.document(path=path_key(candidate))
                    if fields is not None:
                        break
            return unpack_article(fields["article"]) if fields else None

    def _path_candidates(self, key: str) -> list[str]:
        p = Path(key).expanduser()
        if p.is_absolute():
            out = [str(p)]
            try:
                out.append(str(p.resolve()))
            except OSError:
                pass
            return out
        return [str(root / p) for root in self.corpus] + [str((Path.cwd() / p).resolve())]

    def articles(self) -> Iterator[Article]:
        """Every stored article, in index order (loads one at a time, from one snapshot)."""
        with self._lock:
            self._open_generation()
            searcher = self._ix.searcher()
        with searcher:
            yield from StoredArticles(searcher)

    def idf(self, word: str) -> float:
        """Inverse document frequency of ``word`` analysed like the body (stemmed, lowercased)."""
        with self._lock:
            s = self.searcher()
            terms = [t.text for t in s.schema["body"].analyzer(word, mode="query")]
            if not terms or s.doc_count_all() == 0:
                return 0.0
            return max(s.idf("body", t) for t in terms)

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        sort: str = "relevance",
        filters: Mapping[str, str] | None = None,
        snippets: bool = True,
        facets: bool = True,
    ) -> SearchResults:
        """Run a Whoosh-syntax query; never raises for a malformed query (see search.py)."""
        from .search import run_search

        with self._lock:
            try:
                return run_search(
                    self.searcher(),
                    query,
                    limit=limit,
                    sort=sort,
                    filters=filters,
                    snippets=snippets,
                    facets=facets,
                )
            except Exception as exc:  # noqa: BLE001 - last resort: a query never crashes a caller
                return SearchResults(
                    query=query,
                    total=0,
                    hits=(),
                    message=f"could not run this query ({type(exc).__name__}); try plain words",
                )

    def facets(
        self, query: str, *, filters: Mapping[str, str] | None = None
    ) -> dict[str, list[tuple[str, int]]]:
        """Facet counts (outlet, date, entity, story) of a query's matches; {} on failure."""
        from .search import run_facets

        with self._lock:
            try:
                return run_facets(self.searcher(), query, filters)
            except Exception:  # noqa: BLE001 - facets are optional: no sidebar rather than a crash
                return {}

    def warm(self) -> None:
        """Load now what the first searches would otherwise wait for: the word list
        behind ``prefix*`` expansion and did-you-mean, the facet columns and the field
        lengths.  Meant for a background thread right after opening."""
        from .search import warm_caches
        from .spelling import vocabulary

        vocabulary("a")
        with self._lock:
            self._open_generation()
            ix = self._ix
        # A reader of its own (its own file handles), so searches never wait for this:
        # the caches it fills are kept per segment and shared with theirs.
        reader = ix.reader()
        try:
            warm_caches(reader)
        finally:
            reader.close()

    def needs_update(self) -> bool:
        """True when a file was added, removed or its size/mtime changed since the last update."""
        with self._lock:
            manifest = self._manifest_ro()
            files, _, _ = corpus_files(self.corpus, manifest)
            snap = manifest.snapshot()
            due = _regroup_due(manifest)
        if due != set():  # a stopped run left stories to group
            return True
        sizes, mtimes, failed = stat_all(files)
        diff = snap.diff(files, sizes, mtimes) if snap is not None else None
        if diff is not None:
            return any(diff)
        with self._lock:
            known = manifest.stats()
        current = stat_dict(files, sizes, mtimes)
        return (
            bool(failed)
            or len(files) != len(known)
            or any(known.get(path) != key for path, key in current.items())
        )

    # ------------------------------------------------------------------ writing

    def update(self, progress: Progress | None = None, *, rebuild: bool = False) -> IndexReport:
        """Bring the index in step with the corpus files; see the module docstring."""
        if self.readonly:
            raise LibraryError("this library was opened read-only; open it writable to update")
        started = time.perf_counter()
        tick = progress or (lambda p: None)
        try:
            with UpdateLock(self.index_dir / "update.lock"):
                self._open_generation()
                if rebuild:
                    report = self._rebuild(tick)
                else:
                    with self._lock:
                        ix, gdir = self._ix, self._gen_dir
                    report = _Updater(ix, gdir, self.corpus, tick).run()
                self._remove_stale_generations()
        except OSError as exc:
            raise _unwritable(self.index_dir, exc) from exc
        remember_corpus(self.corpus, self.index_dir)
        with self._lock:
            documents = _live_count(self._ix)  # from the TOC: no reader to open
        return _replace(report, elapsed=time.perf_counter() - started, documents=documents)

    def _rebuild(self, tick: Progress) -> IndexReport:
        """Build a fresh generation beside the live one, then swap CURRENT atomically."""
        n = 1 + max(
            [int(p.name[1:]) for p in self.index_dir.glob("g*") if p.name[1:].isdigit()] or [0]
        )
        gen = f"g{n}"
        gdir = self.index_dir / gen
        ix = _create_whoosh(gdir)
        report = _Updater(ix, gdir, self.corpus, tick).run()
        replace_file(self.index_dir / "CURRENT", gen, durable=True)
        with self._lock:
            self._open_generation()
        return report

    def _remove_stale_generations(self) -> None:
        """Drop generation dirs CURRENT no longer names (old builds, crashed rebuilds)."""
        live = self._read_current()
        for p in self.index_dir.glob("g*"):
            if p.is_dir() and p.name != live:
                shutil.rmtree(p, ignore_errors=True)


class _Updater:
    """One incremental pass over the corpus into one generation directory."""

    def __init__(self, ix: Any, gdir: Path, corpus: tuple[Path, ...], tick: Progress) -> None:
        self.ix = ix
        self.gdir = gdir
        self.corpus = corpus
        self.tick = tick
        self.manifest = Manifest(gdir)
        self.added: list[str] = []
        self.updated: list[str] = []
        self.removed: list[str] = []
        self.unchanged = 0
        self.skipped: list[Skipped] = []
        self.done = 0
        self.total = 0

    def run(self) -> IndexReport:
        try:
            return self._run()
        finally:
            self.manifest.close()

    def _run(self) -> IndexReport:
        self.tick(IndexProgress(0, 0, phase="scanning"))
        remove_leftovers(self.gdir)
        entries = LazyEntries(self.manifest)
        reconciled = self.manifest.generation != self.ix.latest_generation()
        if reconciled:
            entries = self._reconcile(entries)
        files, sizes, mtimes, missing_roots = self._scan()
        snap = None if reconciled or missing_roots else self.manifest.snapshot()
        diff = snap.diff(files, sizes, mtimes) if snap is not None else None
        if diff is not None:
            # the usual re-run: told from the snapshot's columns, without reading a
            # manifest row per file
            changed, gone = diff
            jobs = [self._job(path, entries.get(path)) for path in changed]
            kept_out = set(changed) | set(gone)
        else:
            current = stat_dict(files, sizes, mtimes)
            known = entries.stats
            jobs = [
                self._job(path, entries[path] if path in known else None)
                for path, key in current.items()
                if known.get(path) != key
            ]
            gone = [p for p in entries if p not in current and not _under(p, missing_roots)]
            # (files under a root that is missing right now are neither gone nor counted)
            kept_out = {path for path, _, _ in jobs} | {p for p in entries if p not in current}
            del current
        # unchanged files: count their articles (and repeat why skipped ones were)
        self.unchanged, reasons = self.manifest.summaries_except(kept_out)
        del sizes, mtimes, kept_out  # a first build of 100k files needs the room
        self.skipped.extend(Skipped(path, reason) for path, reason in reasons)
        self.total = len(jobs)
        fresh = _live_count(self.ix, deleted=True) == 0
        due = _regroup_due(self.manifest)  # left by a run stopped before its story pass
        left = due != set()
        marked = bool(jobs or gone)
        if marked:
            self.manifest.set_meta(REGROUP, "*")  # until the changed ids are known

        batch = _Batch(self.ix, self.manifest)
        finalized = False  # a first build already wrote the corpus-level values
        try:
            for path in gone:
                for doc_id in entries[path].ids:
                    batch.delete(doc_id)
                    self.removed.append(doc_id)
                batch.forget(path)
            if len(jobs) >= POOL_MIN_FILES and (os.cpu_count() or 1) > 1:
                batch.commit()  # removals first; workers' segments commit on their own
                finalized = fresh and self._build_once(jobs, entries)
                if not finalized:
                    self._index_parallel(jobs, entries, batch, fresh)
            else:
                self._index_here(jobs, entries, batch, fresh)
            self.tick(IndexProgress(self.done, self.total, phase="committing"))
            batch.commit()
        except BaseException:
            batch.cancel()  # releases Whoosh's write lock; earlier commits stay
            raise
        remember_scan(self.manifest, self.scan_state)
        changed = set(self.added) | set(self.updated) | set(self.removed)
        if not finalized and (changed or fresh or left):
            if due is not None:
                due |= changed
                keep = "*" if len(due) > REGROUP_MAX else json.dumps(sorted(due))
                self.manifest.set_meta(REGROUP, keep)
            self.tick(IndexProgress(0, 0, phase="stories"))
            self._corpus_pass(due if due is not None else changed, full=due is None)
            self.manifest.set_meta(REGROUP, "")
        elif marked:  # a first build wrote its stories, or the touched files were the same
            self.manifest.set_meta(REGROUP, "")
        self.manifest.save_snapshot(files)  # what the next run reads instead of every row
        return IndexReport(
            added=len(self.added),
            updated=len(self.updated),
            removed=len(self.removed),
            unchanged=self.unchanged,
            skipped=tuple(self.skipped),
            caught_up=left and not finalized,
        )

    _NOTHING: dict[str, str] = {}  # one shared "no indexed articles" (never written to)

    def _job(self, path: str, entry: FileEntry | None) -> Job:
        """Parse ``path`` again, knowing what it held (its hash, article ids and hashes)."""
        if entry is None:
            return (path, None, self._NOTHING)
        return (path, entry.hash or None, dict(zip(entry.ids, entry.hashes, strict=False)))

    def _tick(self, path: str, phase: str = "indexing", files: int = 1) -> None:
        self.done += files
        self.tick(IndexProgress(self.done, self.total, path, phase))

    def _index_parallel(
        self, jobs: list[Job], entries: LazyEntries, batch: _Batch, fresh: bool
    ) -> None:
        """Workers build segments; each finished chunk is one commit (see build.py).

        If the pool cannot run at all (a script without a ``__main__`` guard under
        the forkserver start method) the files are indexed in this process instead;
        if a worker dies mid-way, what was committed stays and the error says so.
        """
        from concurrent.futures.process import BrokenProcessPool

        todo = list(chunks(jobs))
        done: set[int] = set()
        try:
            self._run_pool(todo, done, entries)
        except BrokenProcessPool as exc:
            if done:
                raise LibraryError(WORKER_DIED) from exc
            self.done = 0
            self._index_here([job for chunk in todo for job in chunk], entries, batch, fresh)

    def _build_once(self, jobs: list[Job], entries: LazyEntries) -> bool:
        """A first build: workers read every file (spooling the documents), the story
        pass runs on what they report, then workers write each document once, with
        its story; each written chunk is one commit.  Updating an index instead
        writes documents first and rewrites those the corpus pass changes, ~40% of
        a first build.

        False when the worker pool cannot start (nothing was written): the caller
        indexes the usual way.
        """
        from concurrent.futures.process import BrokenProcessPool

        todo = list(chunks(jobs))
        reads: list[Read] = []
        committed = False
        preparer: Preparer | None = None
        # the profiles' term counts wait for the story pass in files, not in memory
        spill = self.gdir / f"{TMP_PREFIX}profiles-{os.getpid()}"
        table = ProfileTable(spill=spill)
        try:
            with Pool() as pool:
                survey, first = self._read_all(pool, todo, reads, table)
                self.tick(IndexProgress(0, 0, phase="stories"))  # (no count to show)
                # for the next updates' story passes; in a worker, which has wordfreq's
                # list loaded already and a core to spare (this process would grow by
                # the list's ~35 MB right before its peak, the story pass)
                pool.executor.submit(save_word_keys)
                units = write_units([read.docs for read in reads])
                spools = [[reads[i].spool for i in unit if reads[i].spool] for unit in units]
                preparer = Preparer(pool, str(self.gdir), self.ix.schema, spools)
                where = {i: (r.spool, o) for r in reads if r.spool for i, o in r.offsets.items()}
                for read in reads:
                    read.offsets = {}  # ``where`` has them (at 100k the pass needs the room)
                done = corpus_pass.finalize_new(table, survey, SpooledArticles(where), first)
                values = done.values
                units = _prepared_last(units, preparer.stop())
                self._keep_model(done.model)
                self.done, self.total = 0, len(where)
                del table, survey, where, first
                self.tick(IndexProgress(0, self.total, phase="indexing"))
                for group, segment, tmp in self._write_all(pool, reads, units, values):
                    outcomes = [o for read in group for o in read.outcomes]
                    put = [self._entry(o, entries.get(o.path)) for o in outcomes]
                    for outcome in outcomes:
                        self._account(outcome, entries.get(outcome.path))
                    if segment is not None:
                        adopt_segment(self.ix, segment, tmp, [])
                    self.manifest.write(put, (), self.ix.latest_generation())
                    committed = True
        except BrokenProcessPool as exc:
            if committed:
                raise LibraryError(WORKER_DIED) from exc
            self.done, self.total = 0, len(jobs)
            return False
        finally:
            if preparer is not None:
                preparer.join()
            for leftover in self.gdir.glob(f"{spill.name}*"):  # left by a failed pass
                leftover.unlink(missing_ok=True)
            # words prepared for a unit whose write did not wait for them (the pool is
            # closed: no worker writes any more)
            for leftover in self.gdir.glob(f"{TMP_PREFIX}*{PREPARED_SUFFIX}"):
                leftover.unlink(missing_ok=True)
            for read in reads:
                if read.spool:
                    Path(read.spool).unlink(missing_ok=True)
        return True

    def _read_all(
        self, pool: Pool, todo: list[list[Job]], reads: list[Read], table: ProfileTable
    ) -> tuple:
        """Step 1 of ``_build_once``: every chunk read; profiles added to ``table`` in
        chunk order.

        Returns the date survey and, for a corpus small enough for the corpus-wide
        entity pass, each article's entity first pass (else None).
        """
        import queue as queue_mod
        from concurrent.futures import FIRST_COMPLETED, wait

        survey = DateSurvey()
        small = sum(len(chunk) for chunk in todo) <= corpus_pass.ENTITY_PASS_MAX
        first: dict | None = {} if small else None
        pending = {
            pool.executor.submit(read_chunk, str(self.gdir), chunk, small): i
            for i, chunk in enumerate(todo)
        }
        arrived: dict[int, Read] = {}
        while pending:
            finished, _ = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            self._drain(pool.queue, queue_mod, phase="reading")
            for future in finished:
                arrived[pending.pop(future)] = future.result()
            while len(reads) in arrived:  # the story pass sees the corpus in file order
                read = arrived.pop(len(reads))
                table.extend(read.profiles)
                survey.merge(read.survey)
                if first is not None:
                    first.update(read.entities)
                    if len(first) > corpus_pass.ENTITY_PASS_MAX:
                        first = None  # many articles per file: too big for the pass
                read.profiles, read.survey, read.entities = ProfileTable(), DateSurvey(), {}
                reads.append(read)
        self._drain(pool.queue, queue_mod, phase="reading")
        return survey, first

    def _write_all(
        self, pool: Pool, reads: list[Read], units: list[list[int]], values: dict
    ) -> Iterator[tuple]:
        """Step 2 of ``_build_once``: (reads, segment, its temp dir) as each group of
        reads (``units``, see ``write_units``) is written."""
        import queue as queue_mod
        from concurrent.futures import FIRST_COMPLETED, wait

        schema = self.ix.schema
        pending = {}
        for unit in units:
            group = [reads[i] for i in unit]
            spools = [read.spool for read in group if read.spool]
            if not spools:  # nothing but skipped files
                yield group, None, None
                continue
            ids = (i for read in group for o in read.outcomes for i in o.written)
            mine = {i: values[i] for i in ids if i in values}
            task = pool.executor.submit(write_chunk, str(self.gdir), schema, spools, mine)
            pending[task] = group
        while pending:
            finished, _ = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            self._drain(pool.queue, queue_mod)
            for future in finished:
                group = pending.pop(future)
                segment, tmp = future.result()
                for read in group:
                    read.spool = None  # write_chunk removed it
                yield group, segment, tmp
        self._drain(pool.queue, queue_mod)

    def _run_pool(self, todo: list[list[Job]], done: set[int], entries: LazyEntries) -> None:
        import queue as queue_mod
        from concurrent.futures import FIRST_COMPLETED, wait

        with Pool() as pool:
            schema = self.ix.schema
            pending = {
                pool.executor.submit(index_chunk, str(self.gdir), schema, chunk): i
                for i, chunk in enumerate(todo)
            }
            while pending:
                finished, _ = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                self._drain(pool.queue, queue_mod)
                for future in finished:
                    i = pending.pop(future)
                    segment, tmp, outcomes = future.result()
                    deletes: list[str] = []
                    put = []
                    for outcome in outcomes:
                        entry = entries.get(outcome.path)
                        deletes.extend(self._account(outcome, entry))
                        put.append(self._entry(outcome, entry))
                    if segment is not None:
                        adopt_segment(self.ix, segment, tmp, deletes)
                    elif deletes:
                        writer = blocks.writer(self.ix)
                        for doc_id in deletes:
                            writer.delete_by_term("id", doc_id)
                        writer.commit(mergetype=merge_tiny)
                    self.manifest.write(put, (), self.ix.latest_generation())
                    done.add(i)
            self._drain(pool.queue, queue_mod)

    def _index_here(
        self, jobs: list[Job], entries: LazyEntries, batch: _Batch, fresh: bool
    ) -> None:
        """Parse and index in this process (small updates, or no worker pool)."""
        for path, known_hash, old in jobs:
            docs, outcome = plan(parse_file(path, known_hash), old)
            for doc in docs:
                batch.add(doc) if fresh or doc["id"] not in old else batch.update(doc)
            for doc_id in self._account(outcome, entries.get(path)):
                batch.delete(doc_id)
            batch.remember(self._entry(outcome, entries.get(path)))
            self._tick(path)

    def _drain(self, q: Any, queue_mod: Any, phase: str = "indexing") -> None:
        """Progress from the workers: each message lists the files one has done."""
        while True:
            try:
                paths = q.get_nowait()
            except (queue_mod.Empty, OSError, ValueError):
                return
            if paths:
                self._tick(paths[-1], phase, len(paths))

    def _account(self, outcome: Outcome, entry: FileEntry | None) -> list[str]:
        """Count what a file's outcome did; returns old document ids to delete."""
        old = dict(zip(entry.ids, entry.hashes, strict=False)) if entry else {}
        if outcome.reason:
            self.skipped.append(Skipped(outcome.path, outcome.reason))
        if outcome.unchanged and entry is not None:
            self.unchanged += len(entry.ids)
            return []
        written = set(outcome.written)
        deletes = []
        for doc_id in outcome.ids:
            if doc_id in written:
                (self.updated if doc_id in old else self.added).append(doc_id)
                if doc_id in old:
                    deletes.append(doc_id)
            else:
                self.unchanged += 1
        now = set(outcome.ids)
        for doc_id in old:
            if doc_id not in now:
                deletes.append(doc_id)
                self.removed.append(doc_id)
        return deletes

    @staticmethod
    def _entry(outcome: Outcome, entry: FileEntry | None) -> FileEntry:
        if outcome.unchanged and entry is not None:
            return FileEntry(
                outcome.path,
                outcome.size,
                outcome.mtime_ns,
                outcome.hash,
                entry.ids,
                entry.hashes,
                entry.reason,
            )
        return FileEntry(
            outcome.path,
            outcome.size,
            outcome.mtime_ns,
            outcome.hash,
            outcome.ids,
            outcome.hashes,
            outcome.reason,
        )

    def _scan(self) -> tuple[list[str], Any, Any, list[Path]]:
        """Files in the corpus now, their sizes and mtimes (-1: cannot stat), and corpus
        roots that are missing (their files are kept)."""
        files, skipped, self.scan_state = corpus_files(self.corpus, self.manifest)
        missing: list[Path] = []
        roots = {str(r) for r in self.corpus}
        for item in skipped:
            self.skipped.append(item)
            if item.path in roots:
                missing.append(Path(item.path))
        sizes, mtimes, failed = stat_all(files)
        for path, exc in failed:
            self.skipped.append(Skipped(path, f"cannot read: {exc.strerror or exc}"))
        return files, sizes, mtimes, missing

    def _reconcile(self, entries: LazyEntries) -> LazyEntries:
        """After a crash between a Whoosh commit and the manifest write, trust neither.

        Files the index holds but the manifest does not know, and manifest files whose
        articles are missing from the index, are marked changed so they are parsed again.
        """
        with self.ix.searcher() as s:
            reader = s.reader()
            ids_col = ColumnView(
                reader, "id"
            )  # live documents only (the lexicon keeps deleted ones)
            indexed_ids = {ids_col.text(n) for n in reader.all_doc_ids()}
            indexed_paths = {t.decode("utf-8") for t in reader.lexicon("path")}
            for path in indexed_paths - {path_key(p) for p in entries}:
                ids = [s.stored_fields(n)["id"] for n in s.document_numbers(path=path)]
                entries[path] = FileEntry(path, -1, -1, "", tuple(ids), ("",) * len(ids))
        for e in entries.values():
            if any(i not in indexed_ids for i in e.ids):
                e.size, e.mtime_ns, e.hash = -1, -1, ""
                e.hashes = ("",) * len(e.ids)
                entries[e.path] = e  # also updates the stat the diff compares
        return entries

    def _corpus_pass(self, changed: set[str], *, full: bool = False) -> None:
        """Apply corpus-level field values (stories...) that differ from what is indexed;
        ``full``: regroup the whole corpus (which articles changed is not known).

        One searcher serves the pass, the reads and (small changes) the deletes: at
        100k articles each opening of the index costs tens of milliseconds.
        """
        load_word_keys()  # the neighbours' words, stemmed by an earlier build
        with self.ix.searcher() as s:
            articles = StoredArticles(s)
            model = None if full else StoryModel.load(self._model_path)
            done = corpus_pass.finalize(articles, changed, model, self._story_tick)
            values = done.values
            stale = [
                doc_id
                for doc_id, fields in values.items()
                if corpus_pass.is_stale(articles, doc_id, fields)
            ]
            if stale and len(stale) >= POOL_MIN_FILES and (os.cpu_count() or 1) > 1:
                self._rewrite_parallel(s, stale, values)
            elif stale:
                # the writer sees the segments ``s`` sees: nothing commits in between
                writer = blocks.writer(self.ix, limitmb=WRITER_MB)
                try:
                    for item in self._stored_items(s, stale, values):
                        doc = restyle(*item)
                        writer.delete_by_term("id", doc["id"], searcher=s)
                        writer.add_document(**doc)
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit(mergetype=merge_tiny)
        if stale:
            self.manifest.write((), (), self.ix.latest_generation())
        self._keep_model(done.model)

    def _story_tick(self, done: int, total: int) -> None:
        self.tick(IndexProgress(done, total, phase="stories"))

    @property
    def _model_path(self) -> Path:
        return self.gdir / STORY_MODEL

    def _keep_model(self, model: StoryModel | None) -> None:
        """Save what a full story pass learned, for the next small updates' passes (a
        model that cannot be saved only makes the next update run the full pass)."""
        if model is not None:
            with contextlib.suppress(OSError):
                model.save(self._model_path)

    @staticmethod
    def _stored_items(s: Any, ids: list[str], values: dict) -> list[tuple[bytes, list[str], dict]]:
        """(article blob, entities, new field values) for documents to rewrite."""
        items = []
        for doc_id in ids:
            stored = s.document(id=doc_id)
            if stored is None:
                continue
            entities = entity_names(stored.get("entity"))
            # fields the pass did not recompute keep their indexed value
            fields = {"story": stored.get("story"), **values[doc_id]}
            items.append((stored["article"], entities, fields))
        return items

    def _rewrite_parallel(self, s: Any, stale: list[str], values: dict) -> None:
        """Re-index many documents with new field values, in worker-built segments.

        Chunks are read from the index as they are submitted (at most a few in
        flight), so memory stays bounded however many documents change.
        """
        from concurrent.futures import FIRST_COMPLETED, wait

        schema = self.ix.schema
        todo = list(chunks(stale, first=500, largest=5000))
        with Pool() as pool:
            running: dict = {}
            while todo or running:
                while todo and len(running) < 3:
                    ids = todo.pop(0)
                    items = self._stored_items(s, ids, values)
                    running[pool.executor.submit(reindex_chunk, str(self.gdir), schema, items)] = (
                        ids
                    )
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    ids = running.pop(future)
                    segment, tmp = future.result()
                    if segment is not None:  # None: none of these documents was left
                        adopt_segment(self.ix, segment, tmp, ids)


class _Batch:
    """A Whoosh writer that commits every BATCH_DOCS documents, with the manifest in step."""

    def __init__(self, ix: Any, manifest: Manifest) -> None:
        self.ix = ix
        self.manifest = manifest
        self.writer: Any = None
        self.count = 0
        self.put: list[FileEntry] = []
        self.drop: list[str] = []

    def _w(self) -> Any:
        if self.writer is None:
            self.writer = blocks.writer(self.ix, limitmb=WRITER_MB)
        return self.writer

    def add(self, doc: dict) -> None:
        self._w().add_document(**doc)
        self.count += 1

    def update(self, doc: dict) -> None:
        self._w().update_document(**doc)
        self.count += 1

    def delete(self, doc_id: str) -> None:
        self._w().delete_by_term("id", doc_id)
        self.count += 1

    def remember(self, entry: FileEntry) -> None:
        self.put.append(entry)
        if self.count >= BATCH_DOCS:
            self.commit()

    def forget(self, path: str) -> None:
        self.drop.append(path)

    def commit(self) -> None:
        if self.writer is not None:
            try:
                self.writer.commit(mergetype=merge_tiny)
            except BaseException:
                self.writer.cancel()
                raise
            self.writer = None
        if self.put or self.drop:
            self.manifest.write(self.put, self.drop, self.ix.latest_generation())
        self.put, self.drop, self.count = [], [], 0

    def cancel(self) -> None:
        if self.writer is not None:
            self.writer.cancel()
            self.writer = None


KEY_CANDIDATES = 40  # neighbours(): words whose index IDF is looked up
KEY_ODD = 10  # ...plus this many words wordfreq cannot rate cheaply (numbers, accents)
KEY_TERMS = 12  # ...and kept for the more-like-this query
KEY_MAX_SHARE = 50  # ...if no more than 1 in this many documents has them
KEY_MIN_DF = 20  # (small corpora: any word in up to this many documents)


class StoredArticles(Sequence[Article]):
    """All indexed articles as a lazy sequence: ``articles[i]`` loads one from the index.

    Also answers the corpus pass' cheap questions from columns and postings
    (story of an id, members of a story, entities, similar articles) so a small
    update never loads the whole corpus.
    """

    def __init__(self, searcher: Any) -> None:
        self._s = searcher
        self._live: list[int] | None = None  # listed only when the whole corpus is read
        self._columns: dict[str, ColumnView] = {}
        self._near: dict[tuple[int, int], list[str]] = {}
        self._numbers: dict[str, int | None] = {}
        self._df: dict[str, int] = {}  # body stem -> document frequency (neighbours)

    @property
    def _docnums(self) -> list[int]:
        if self._live is None:
            self._live = list(self._s.reader().all_doc_ids())
        return self._live

    def _column(self, name: str) -> ColumnView:
        col = self._columns.get(name)
        if col is None:
            col = self._columns[name] = ColumnView(self._s.reader(), name)
        return col

    def __len__(self) -> int:
        return self._s.doc_count()

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self._load(self._docnums[i])

    def __iter__(self) -> Iterator[Article]:
        numbers = self._numbers
        for n in self._docnums:
            article = self._load(n)
            numbers.setdefault(article.id, n)  # the pass asks about it by id next
            yield article

    def _load(self, docnum: int) -> Article:
        return unpack_article(self._s.stored_fields(docnum)["article"])

    def _docnum(self, article_id: str) -> int | None:
        """The live document with this id: known from a read that found it (the whole
        corpus, story members, neighbours), else looked up once in the id field's
        postings, which visits every segment (~0.4 ms at 100k); the corpus pass asks
        for an article's story, entities and text in turn."""
        if article_id not in self._numbers:
            self._numbers[article_id] = self._s.document_number(id=article_id)
        return self._numbers[article_id]

    def get(self, article_id: str) -> Article | None:
        n = self._docnum(article_id)
        return self._load(n) if n is not None else None

    def value(self, article_id: str, field: str) -> str | None:
        """The indexed value of a sortable field (None: no such article)."""
        n = self._docnum(article_id)
        return self._column(field).text(n) if n is not None else None

    def story_of(self, article_id: str) -> str | None:
        return self.value(article_id, "story")

    def entities_of(self, article_id: str) -> list[str]:
        n = self._docnum(article_id)
        if n is None:
            return []
        value = self._column("entity").text(n)
        return entity_names(value)

    def story_members(self, story_id: str) -> list[str]:
        from whoosh.query import Term

        return self._ids(self._s.docs_for_query(Term("story", story_id)))

    def _ids(self, docnums: Iterable[int]) -> list[str]:
        """The ids of these documents, remembering each one's docnum (see ``_docnum``)."""
        ids = self._column("id")
        out = []
        for n in docnums:
            article_id = ids.text(n)
            self._numbers.setdefault(article_id, n)
            out.append(article_id)
        return out

    def neighbours(self, article: Article, k: int) -> list[str]:
        """Ids of the ``k`` articles most like ``article``: more-like-this over its key
        terms, ranked by ranking.py.

        Key terms: the text's stems by count times general-English rarity, the best
        ``KEY_CANDIDATES`` of those re-weighted by the index's own IDF (asking the
        index about every distinct word of an article is what made Whoosh's
        ``more_like`` slow), keeping ``KEY_TERMS``.
        """
        n = self._docnum(article.id)
        if n is None:
            return []
        key = (n, k)
        if key not in self._near:  # the corpus pass may ask twice (regroup, then attach)
            self._near[key] = self._more_like(article, n, k)
        return self._near[key]

    def _more_like(self, article: Article, n: int, k: int) -> list[str]:
        from collections import Counter
        from math import log

        from whoosh import query as Q

        from .analysis import stems_at
        from .docsets import live_mask
        from .lexical import is_plain, rarity
        from .ranking import top

        tf: Counter[str] = Counter()
        rare: dict[str, float] = {}
        odd: list[str] = []  # numbers, accented words...: only the index rates them
        text = f"{article.title}\n{article.body}"
        for stem, _pos, a, b in stems_at(text):
            if len(stem) > 2:
                tf[stem] += 1
                if stem not in rare:
                    word = text[a:b].lower()
                    # (wordfreq rates odd words only once loaded whole: ~0.3 s)
                    if is_plain(word):
                        rare[stem] = rarity(word)
                    else:
                        rare[stem] = 0.0
                        odd.append(stem)
        plain = [s for s in tf if rare[s]]
        best = sorted(plain, key=lambda s: tf[s] * rare[s], reverse=True)[:KEY_CANDIDATES]
        best += sorted(odd, key=lambda s: -tf[s])[:KEY_ODD]
        reader = self._s.reader()
        total = self._s.doc_count_all()
        # words in more than a few percent of the corpus name a topic, not an event,
        # and reading their long posting lists is most of the cost at 100k articles
        common = max(KEY_MIN_DF, total // KEY_MAX_SHARE)
        weighted = []
        known = self._df  # (articles added together share most of their words)
        for s in best:
            df = known.get(s)
            if df is None:  # one lookup per segment, 0 if absent
                df = known[s] = reader.doc_frequency("body", s)
            if 0 < df <= common:
                weighted.append((tf[s] * (log(total / (df + 1)) + 1), s))  # Whoosh's idf
        terms = [s for _, s in sorted(weighted, reverse=True)[:KEY_TERMS]]
        if not terms:
            return []
        live = live_mask(reader)
        live[n] = False
        ranked = top(self._s, Q.Or([Q.Term("body", t) for t in terms]), live, k) or []
        return self._ids(d for d, score in ranked if score > 0)


# ---------------------------------------------------------------------- helpers


def _regroup_due(manifest: Manifest) -> set[str] | None:
    """Article ids whose story pass a stopped run left undone (None: all of them)."""
    value = manifest.get_meta(REGROUP) or ""
    if value == "*":
        return None
    try:
        return set(json.loads(value)) if value else set()
    except (ValueError, TypeError):
        return None


def _live_count(ix: Any, *, deleted: bool = False) -> int:
    """Documents in the index (with ``deleted``: deleted ones too), from its TOC."""
    segments = ix._segments()
    return sum(seg.doc_count_all() if deleted else seg.doc_count() for seg in segments)


def _create_whoosh(gdir: Path) -> Any:
    gdir.mkdir(parents=True, exist_ok=True)
    return FileStorage(str(gdir), supports_mmap=False).create_index(build_schema())


def _unwritable(directory: Path, exc: OSError) -> LibraryError:
    if exc.errno == errno.ENOSPC:
        return IndexUnwritable(
            f"disk full while writing the index at {directory}; free some space and run "
            "reader index again (the last completed update is still searchable)"
        )
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return IndexUnwritable(
            f"cannot write the index at {directory} ({exc.strerror}); choose another "
            "directory with --index, or search the existing index read-only"
        )
    return IndexUnwritable(f"cannot write the index at {directory}: {exc.strerror or exc}")


def _under(path: str, roots: list[Path]) -> bool:
    return any(Path(path).is_relative_to(r) for r in roots)


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _replace(report: IndexReport, **changes: Any) -> IndexReport:
    from dataclasses import replace

    return replace(report, **changes)


def _prepared_last(units: list[list[int]], prepared: list[int]) -> list[list[int]]:
    """Step 2's order: the units still to analyse, biggest first as ``write_units`` made
    them, then the prepared ones (cheaper), the one perhaps still being prepared last
    (by the time a worker takes it, its words are ready)."""
    done = set(prepared)
    return [u for i, u in enumerate(units) if i not in done] + [units[i] for i in prepared]
