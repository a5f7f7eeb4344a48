"""Parallel indexing: worker processes parse files *and* write Whoosh segments.

Parsing and cleaning dominate indexing time, and shipping parsed documents back to
one writer costs pickling plus a busy parent.  So each worker runs the whole
file -> segment path for a chunk of files, writing a compound segment into its own
temporary directory inside the generation directory.  The parent (holding
Whoosh's write lock) deletes superseded documents, moves the finished segment file
in, and commits a TOC that includes it: every chunk is one atomic commit, so
results appear early and a crash loses at most the chunks in flight.

A first build runs in two steps instead (``read_chunk``, then ``write_chunk``): the
stories must be known before a document is written once and for all.  While the
parent groups the stories, one worker already turns the spooled texts into the
segments' word lists (``prepare_unit``): that core would otherwise be idle.

The temporary directories and spool files start with "." so Whoosh's
``clean_files`` (run by every commit) never deletes what a worker is still writing.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from . import blocks
from .bulk import BulkWriter, TextColumns, bulk_fields
from .dates import DateSurvey
from .entities.corpus import EntitySummary, first_pass
from .ingest import FileResult, parse_file
from .locking import release_inherited
from .model import Article
from .schema import document, entity_names, unpack_article
from .stories import Profile, ProfileTable, profile

TMP_PREFIX = ".seg-"

_progress_queue: Any = None
_parent_pid: int | None = None
PROGRESS_INTERVAL = 0.1  # seconds between a worker's progress messages
_done_paths: list[str] = []  # files done since the last message
_last_sent = 0.0


@dataclass
class Outcome:
    """What indexing one file did (no documents: those went into a segment)."""

    path: str
    size: int
    mtime_ns: int
    hash: str
    reason: str | None
    unchanged: bool  # bytes identical to the indexed version: nothing parsed
    ids: tuple[str, ...] = ()  # every article id the file holds now
    hashes: tuple[str, ...] = ()
    written: tuple[str, ...] = ()  # ids (re)indexed now: new or changed content


def plan(result: FileResult, old: Mapping[str, str]) -> tuple[list[dict], Outcome]:
    """Which of a file's documents must be (re)written, given the indexed id -> hash."""
    docs: list[dict] = []
    seen: set[str] = set()
    kept: list[dict] = []
    for doc in result.docs:
        if doc["id"] in seen:
            continue  # a record repeated inside one file: index it once
        seen.add(doc["id"])
        kept.append(doc)
        if old.get(doc["id"]) != doc["hash"]:
            docs.append(doc)
    outcome = Outcome(
        result.path,
        result.size,
        result.mtime_ns,
        result.hash,
        result.reason,
        result.unchanged,
        tuple(d["id"] for d in kept),
        tuple(d["hash"] for d in kept),
        tuple(d["id"] for d in docs),
    )
    return docs, outcome


Job = tuple[str, "str | None", dict]  # (path, indexed file hash or None, indexed id -> hash)


def _init_worker(queue: Any) -> None:
    global _progress_queue, _parent_pid
    release_inherited()
    _progress_queue = queue
    _parent_pid = os.getppid()
    # An idle worker waits on the task queue, whose write end its siblings also
    # hold open, so it would never notice a kill -9 of the indexer: watch for it.
    threading.Thread(target=_exit_when_orphaned, name="orphan-watch", daemon=True).start()


def _report(path: str | None) -> None:
    """Tell the indexer a file is done (``None``: the task is over, send what is left).

    Paths go in batches, a few a second: a message per file cost a worker ~8% of its
    time, each put waking the queue's feeder thread to take the GIL from the parsing."""
    global _last_sent
    if _progress_queue is None:
        return
    if path is not None:
        _done_paths.append(path)
    now = time.monotonic()
    if _done_paths and (path is None or now - _last_sent >= PROGRESS_INTERVAL):
        _progress_queue.put(_done_paths.copy())
        _done_paths.clear()
        _last_sent = now


def _exit_when_orphaned(interval: float = 1.0) -> None:
    while not _orphaned():
        time.sleep(interval)
    os._exit(1)


def _orphaned() -> bool:
    """True once the indexing process died (kill -9): stop instead of working for nobody."""
    return _parent_pid is not None and os.getppid() != _parent_pid


def index_chunk(gdir: str, schema: Any, jobs: list[Job]) -> tuple[Any, str | None, list[Outcome]]:
    """Worker: parse ``jobs`` into one new segment.  Returns (segment, its temp dir, outcomes).

    ``schema`` is passed in rather than read from the index: the parent's commits
    replace the TOC file while workers run.
    """
    outcomes: list[Outcome] = []

    def fill(writer: SegmentWriter) -> None:
        for path, known_hash, old in jobs:
            if _orphaned():
                raise SystemExit(1)
            docs, outcome = plan(parse_file(path, known_hash), old)
            for doc in docs:
                writer.add_document(**doc)
            outcomes.append(outcome)
            _report(path)

    try:
        segment, tmp = _write_segment(gdir, schema, fill)
    finally:
        _report(None)
    return segment, tmp, outcomes


def _temp_path(gdir: str, suffix: str = "") -> Path:
    """A worker's own temporary name in the generation dir (see the module docstring)."""
    return Path(gdir) / f"{TMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}{suffix}"


def _write_segment(
    gdir: str,
    schema: Any,
    fill: Callable[[SegmentWriter], None],
    text: dict[str, TextColumns] | None = None,
) -> tuple[Any, str | None]:
    """One new segment, filled by ``fill``, in a temp dir inside the generation:
    (segment, temp dir), or (None, None) when nothing was added.  On any error the
    half-written segment is removed.  ``text``: see ``BulkWriter``."""
    tmp = _temp_path(gdir)
    tmp.mkdir()
    # a chunk is bounded (chunks() caps it), so its postings stay in memory: no limit
    writer = BulkWriter(whoosh_index.create_in(str(tmp), schema), text, _lk=False)
    try:
        fill(writer)
        if not writer._added:
            writer.cancel()
            shutil.rmtree(tmp, ignore_errors=True)
            return None, None
        segment = writer._finalize_segment()
        writer._finish()
    except BaseException:
        writer.cancel()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return segment, str(tmp)


@dataclass
class Read:
    """A worker's read of one chunk of files for a first build (``read_chunk``)."""

    spool: str | None  # the chunk's documents, pickled one after another
    docs: int  # how many
    packed: bytes  # the chunk's outcomes, pickled (see ``outcomes``)
    offsets: dict[str, int]  # article id -> where its document starts in the spool
    profiles: ProfileTable  # for the story pass, one per document
    survey: DateSurvey
    # entities' first pass per article, when the corpus is small enough for the
    # corpus-wide entity pass (EntityIndex.from_first_pass)
    entities: dict[str, tuple[list[EntitySummary], set[str]]] = field(default_factory=dict)

    @property
    def outcomes(self) -> list[Outcome]:
        """The chunk's outcomes, unpickled on demand: a 100k-file build's parent keeps
        every chunk until it is written, and as objects the outcomes would take ~100 MB
        through the story pass (~1 KB each; ~180 bytes pickled)."""
        return pickle.loads(self.packed) if self.packed else []


def read_chunk(gdir: str, jobs: list[Job], entities: bool = False) -> Read:
    """Worker, first build, step 1: parse ``jobs`` and spool their documents to a temp
    file, with what the story pass needs from each article (with ``entities``, what
    the corpus-wide entity pass needs too).  Step 2 (``write_chunk``) writes them
    with their stories, so no document is written twice."""
    spool = _temp_path(gdir, ".docs")
    read = Read(str(spool), 0, b"", {}, ProfileTable(), DateSurvey())
    outcomes: list[Outcome] = []
    seen: dict[str, tuple[Article, list[str]]] = {}

    def keep(article: Article, entities: list[str]) -> None:
        seen.setdefault(article.id, (article, entities))

    try:
        with open(spool, "wb") as fh:
            for path, known_hash, old in jobs:
                if _orphaned():
                    raise SystemExit(1)
                seen.clear()
                docs, outcome = plan(parse_file(path, known_hash, keep), old)
                for doc in docs:
                    read.offsets[doc["id"]] = fh.tell()
                    pickle.dump(doc, fh, protocol=pickle.HIGHEST_PROTOCOL)
                    article, names = seen[doc["id"]]
                    read.survey.see(article)
                    if entities:
                        with contextlib.suppress(Exception):  # renamed later, or not at all
                            read.entities[article.id] = first_pass(article)
                    try:
                        read.profiles.add(profile(article, names))
                    except Exception:  # noqa: BLE001 - a story of its own, not a failed build
                        read.profiles.add(
                            Profile(article.id, article.title or "", "", None, {}, {})
                        )
                outcomes.append(outcome)
                _report(path)
    except BaseException:
        spool.unlink(missing_ok=True)
        raise
    finally:
        _report(None)
    read.docs = len(read.offsets)
    if not read.offsets:
        spool.unlink(missing_ok=True)
        read.spool = None
    read.packed = pickle.dumps(outcomes, protocol=pickle.HIGHEST_PROTOCOL)
    return read


PREPARED_SUFFIX = ".words"


def prepared_path(spools: list[str]) -> str:
    """Where ``prepare_unit`` leaves the words of the documents in ``spools``."""
    return spools[0] + PREPARED_SUFFIX


def prepare_unit(gdir: str, schema: Any, spools: list[str]) -> str:
    """Worker, first build, while the parent groups the stories: the words of every
    spooled document's text fields (most of step 2's work, and none of it needs the
    stories), saved at ``prepared_path`` for ``write_chunk``.  Run on one worker at a
    time, it uses the core the story pass leaves idle."""
    text = {name: TextColumns(boost) for name, boost in bulk_fields(schema).items()}
    ids = []
    for docnum, doc in enumerate(d for spool in spools for d in spooled_docs(spool)):
        if _orphaned():
            raise SystemExit(1)
        ids.append(doc["id"])
        for name, columns in text.items():
            if doc.get(name) is not None:
                columns.add(docnum, doc[name])
    for columns in text.values():
        columns.close()
    path = prepared_path(spools)
    part = _temp_path(gdir, ".part")
    try:
        with open(part, "wb") as fh:
            pickle.dump((ids, text), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(part, path)  # whole or absent: a write that finds no file does the work
    finally:
        part.unlink(missing_ok=True)
    return path


class Preparer:
    """``prepare_unit`` for one write unit after another, on one worker at a time, from
    a thread of the parent until ``stop``: step 2's words are made on the core the
    story pass leaves idle (~5 s of a 100k build)."""

    def __init__(self, pool: Pool, gdir: str, schema: Any, units: list[list[str]]) -> None:
        self._run_args = (pool, gdir, schema, units)
        self._stop = threading.Event()
        self._started: list[int] = []
        self._thread = threading.Thread(target=self._run, name="reader-prepare", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        pool, gdir, schema, units = self._run_args
        for i, spools in enumerate(units):
            if self._stop.is_set():
                return
            if not spools:
                continue
            self._started.append(i)
            try:
                pool.executor.submit(prepare_unit, gdir, schema, spools).result()
            except BaseException:  # noqa: BLE001 - a broken or closed pool: step 2 says so
                return

    def stop(self) -> list[int]:
        """No more units; the ones begun, in order (the last may still be running)."""
        self._stop.set()
        return list(self._started)

    def join(self) -> None:
        self._thread.join(timeout=10)


def _prepared(spools: list[str]) -> tuple[list[str], dict[str, TextColumns]] | None:
    path = Path(prepared_path(spools))
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except FileNotFoundError:
        return None
    finally:
        path.unlink(missing_ok=True)


def write_chunk(
    gdir: str, schema: Any, spools: list[str], values: dict[str, dict[str, str]]
) -> tuple[Any, str | None]:
    """Worker, first build, step 2: one segment of the documents spooled by one or more
    chunks' reads, each with its corpus-level ``values`` (story, and a borrowed date or
    corpus-wide entity names); their words come from ``prepare_unit`` if it ran."""
    prepared = _prepared(spools)
    ids, text = prepared if prepared is not None else (None, None)

    def fill(writer: SegmentWriter) -> None:
        for docnum, doc in enumerate(d for spool in spools for d in spooled_docs(spool)):
            if _orphaned():
                raise SystemExit(1)
            if ids is not None and (docnum >= len(ids) or ids[docnum] != doc["id"]):
                raise RuntimeError(f"prepared words do not match the documents of {spools[0]}")
            fields = values.get(doc["id"])
            if fields and set(fields) <= {"story"}:
                doc["story"] = fields["story"]
            elif fields:
                entities = entity_names(doc.get("entity"))
                doc = restyle(doc["article"], entities, {"story": doc.get("story"), **fields})
            writer.add_document(**doc)
            _report(doc["path"])

    try:
        return _write_segment(gdir, schema, fill, text)
    finally:
        _report(None)
        for spool in spools:
            Path(spool).unlink(missing_ok=True)


def spooled_docs(spool: str, offset: int = 0, limit: int | None = None) -> Iterator[dict]:
    """The documents ``read_chunk`` spooled, from ``offset`` on (at most ``limit``)."""
    with open(spool, "rb") as fh:
        fh.seek(offset)
        count = 0
        while limit is None or count < limit:
            try:
                yield pickle.load(fh)
            except EOFError:
                return
            count += 1


class SpooledArticles:
    """The articles of a first build while they are spooled, not yet indexed: what the
    story pass reads again (a few by id, or all of a small corpus) comes from here."""

    def __init__(self, where: dict[str, tuple[str, int]]) -> None:
        self._where = where

    def __len__(self) -> int:
        return len(self._where)

    def __iter__(self) -> Iterator[Article]:
        for article_id in self._where:
            article = self.get(article_id)
            if article is not None:
                yield article

    def _doc(self, article_id: str) -> dict | None:
        place = self._where.get(article_id)
        if place is None:
            return None
        return next(spooled_docs(place[0], place[1], 1), None)

    def get(self, article_id: str) -> Article | None:
        doc = self._doc(article_id)
        return unpack_article(doc["article"]) if doc else None

    def entities_of(self, article_id: str) -> list[str]:
        doc = self._doc(article_id)
        return entity_names(doc.get("entity")) if doc else []


def restyle(blob: bytes, entities: list[str], fields: dict[str, Any]) -> dict[str, Any]:
    """The Whoosh document for a stored article with new corpus-level field values."""
    article = unpack_article(blob)
    fields = dict(fields)
    inferred = fields.pop("date", None)
    if inferred and not article.date:  # a corpus-level date: the stored article gets it too
        article = replace(article, date=inferred)
    doc = document(article, entities, fields.get("story"))
    doc.update(fields)
    return doc


def reindex_chunk(
    gdir: str, schema: Any, items: list[tuple[bytes, list[str], dict]]
) -> tuple[Any, str | None]:
    """Worker: write stored articles with new field values into one new segment."""

    def fill(writer: SegmentWriter) -> None:
        for blob, entities, fields in items:
            if _orphaned():
                raise SystemExit(1)
            writer.add_document(**restyle(blob, entities, fields))

    return _write_segment(gdir, schema, fill)


def adopt_segment(ix: Any, segment: Any, tmp: str, deletes: list[str]) -> None:
    """Parent: delete superseded ids, move the worker's segment in, commit (one atomic TOC write)."""
    writer = blocks.writer(ix)
    try:
        for doc_id in deletes:
            writer.delete_by_term("id", doc_id)
        for name in os.listdir(tmp):
            if name.startswith(f"{segment.indexname}_{segment.segid}"):
                os.replace(os.path.join(tmp, name), os.path.join(ix.storage.folder, name))
        # No merging here: Whoosh merges by copying documents into *this* writer's
        # own segment, which must then be finalised too (dropping it loses them),
        # and merging is slow; later commits fold in the tiny segments (merge_tiny).
        finalsegments = writer._merge_segments(None, False, False)
        if writer._added:
            finalsegments.append(writer._finalize_segment())
        else:
            writer._close_segment()
        finalsegments.append(segment)
        writer._commit_toc(finalsegments)
        writer._finish()
    except BaseException:
        writer.cancel()
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


TINY_SEGMENT = 100  # documents: segments this small are merged by ordinary commits,
MERGE_AT = 6  # ...once there are this many of them,
MERGE_BUDGET = 400  # ...up to this many documents in one commit (~0.2 s)


def merge_tiny(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy for interactive commits: fold the tiny segments small
    updates leave behind into this commit, never the big ones.

    Whoosh's default (MERGE_SMALL) may merge tens of thousands of documents into
    whatever commit comes next, which made a one-file update after a 100k build take
    minutes; big segments are cheap to keep (search reads postings per segment in
    bulk, see docsets.py).  Smallest first, and a segment joins only if it is no
    bigger than twice those chosen before it together: like a binary counter, each
    document is rewritten a few times, not once every few updates (folding one new
    document into a 90-document segment each time cost ~0.4 s).
    """
    from whoosh.reading import SegmentReader

    chosen = [segments[i] for i in merge_choice([seg.doc_count_all() for seg in segments])]
    for seg in chosen:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    keep = {id(seg) for seg in chosen}
    return [seg for seg in segments if id(seg) not in keep]


def merge_choice(sizes: list[int]) -> list[int]:
    """Which segments (by their document counts) ``merge_tiny`` merges: indexes."""
    tiny = sorted((i for i, n in enumerate(sizes) if n <= TINY_SEGMENT), key=lambda i: sizes[i])
    if len(tiny) < MERGE_AT:
        return []
    chosen, total = [], 0
    for i in tiny:
        # (up to twice what is chosen: with "no bigger than", sizes such as 15, 30,
        # 37, 40... never merged, and batches of added files left dozens of them)
        if (chosen and sizes[i] > 2 * total) or total + sizes[i] > MERGE_BUDGET:
            break
        chosen.append(i)
        total += sizes[i]
    return chosen if len(chosen) > 1 else []


def remove_leftovers(gdir: Path) -> None:
    """Temp segment dirs and spools of workers killed mid-chunk (call while holding the
    update lock)."""
    for p in gdir.glob(f"{TMP_PREFIX}*"):
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)


LARGEST = 5000  # files read, and documents written, by one task: bounds a worker's memory


def write_units(
    sizes: list[int], largest: int = LARGEST, workers: int = 2, slack: int = 500
) -> list[list[int]]:
    """A first build's reads grouped for step 2 (indexes into ``sizes``, their document
    counts): consecutive reads, as few segments as keep a unit within ``largest``
    documents and the workers' ends within ``slack`` documents; biggest first.

    The reads start and end small (see ``chunks``), and one segment each made a 100k
    build's index 34 segments where 22 hold the same: every term lookup (searches,
    the story neighbours of added files) pays once per segment.  Units are packed up
    to the largest size whose biggest-first schedule keeps both workers busy to the
    end (writing 5,000 documents takes ~3.5 s of a core)."""
    tried = []
    for cap in range(largest, 0, -max(1, largest // 20)):
        units = _pack(sizes, min(cap, max(1, -(-sum(sizes) // workers))))
        idle = _idle(units, sizes, workers)
        if idle <= slack:
            return units
        tried.append((idle, units))
    return min(tried, key=lambda t: t[0])[1]


def _pack(sizes: list[int], cap: int) -> list[list[int]]:
    """Consecutive indexes into ``sizes`` grouped up to ``cap`` in total, biggest first."""
    units: list[list[int]] = []
    total = 0
    for i, n in enumerate(sizes):
        if units and total + n <= cap:
            units[-1].append(i)
            total += n
        else:
            units.append([i])
            total = n
    return sorted(units, key=lambda unit: -sum(sizes[i] for i in unit))


def _idle(units: list[list[int]], sizes: list[int], workers: int) -> int:
    """How far apart the workers finish, in documents, each taking the next unit as
    soon as it is free."""
    busy = [0] * workers
    for unit in units:
        busy[busy.index(min(busy))] += sum(sizes[i] for i in unit)
    return max(busy) - min(busy)


def chunks(
    jobs: list, first: int = 50, largest: int = LARGEST, workers: int = 2, tail: int = 500
) -> Iterator[list]:
    """Small chunks first (results show up early), then bigger ones (fewer segments),
    then smaller again: near the end each chunk is a quarter of what is left per
    worker (never under ``tail`` files), so the workers finish together instead of
    one idling while the other works through a last big chunk (at 20k files that
    idle core was ~12% of the build).  The last round is shared evenly."""
    size, i = first, 0
    while i < len(jobs):
        left = len(jobs) - i
        size = min(size, max(tail, -(-left // (2 * workers))))
        if left <= workers * size:
            share = -(-left // workers)
            for start in range(i, len(jobs), share):
                yield jobs[start : start + share]
            return
        yield jobs[i : i + size]
        i += size
        size = min(largest, size * 2)


@dataclass
class Pool:
    """Two worker processes and a progress queue; ``fork`` only when no threads run."""

    workers: int = 2
    executor: Any = None
    queue: Any = None
    _ctx: Any = field(default=None, repr=False)

    def __enter__(self) -> Pool:
        import multiprocessing as mp
        import threading
        from concurrent.futures import ProcessPoolExecutor

        # Under a TUI sys.stderr may be a stand-in whose fileno() is -1; multiprocessing's
        # resource tracker would pass that fd to its child and fail ("bad value(s) in
        # fds_to_keep"), so start the tracker with the process's real stderr.
        from multiprocessing import resource_tracker

        with contextlib.redirect_stderr(sys.__stderr__ or sys.stderr):
            resource_tracker.ensure_running()
        methods = mp.get_all_start_methods()
        if "fork" in methods and threading.active_count() == 1:
            self._ctx = mp.get_context("fork")
        else:
            self._ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
        self.queue = self._ctx.Queue()
        self.executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=self._ctx,
            initializer=_init_worker,
            initargs=(self.queue,),
        )
        return self

    def __exit__(self, *exc: object) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.queue.close()
