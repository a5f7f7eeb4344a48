"""Incremental updates: a re-run touches exactly what changed on disk, nothing else."""

from __future__ import annotations

import json
import os

import pytest
from test_store_helpers import (
    isolated_cache,  # noqa: F401  (autouse: keeps the user's cache dir untouched)
    make_corpus,
    write_json,
)

from index import build, store
from index.schema import build_schema
from index.store import Library


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    make_corpus(folder, 8)
    lib = Library.open([folder], tmp_path / "ix")
    first = lib.update()
    assert first.added == 8
    yield folder, lib
    lib.close()


def _bump_mtime(path):
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


def _append(path, line: str) -> None:
    """Add a paragraph to a JSON article, as an editor saving it would (new mtime)."""
    rec = json.loads(path.read_text())
    rec["text"] += f"\n\n{line}"
    path.write_text(json.dumps(rec))
    _bump_mtime(path)


def test_unchanged_rerun_touches_nothing(corpus):
    folder, lib = corpus
    gen = lib._ix.latest_generation()
    assert not lib.needs_update()
    report = lib.update()
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 8)
    assert lib._ix.latest_generation() == gen  # not even an empty commit


def test_modified_file_updates_exactly_one_document(corpus):
    folder, lib = corpus
    target = sorted(folder.glob("*.json"))[3]
    _append(target, "A correction about the lighthouse was appended later.")
    assert lib.needs_update()
    report = lib.update()
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 0, 7)
    hits = lib.search("lighthouse").hits
    assert [h.path for h in hits] == [str(target.resolve())]
    assert len(lib) == 8


def test_a_record_whose_metadata_alone_changed_is_indexed_again(corpus):
    folder, lib = corpus
    target = sorted(folder.glob("*.json"))[3]
    rec = json.loads(target.read_text())
    rec["date"], rec["outlet"] = "2021-03-09", "The Corrected Gazette"
    target.write_text(json.dumps(rec))
    _bump_mtime(target)
    assert lib.update().updated == 1
    article = lib.get(str(target))
    assert (article.date, article.outlet) == ("2021-03-09", "The Corrected Gazette")
    assert lib.search('outlet:"The Corrected Gazette"').total == 1


def test_touched_but_identical_file_is_hashed_not_reindexed(corpus):
    folder, lib = corpus
    target = sorted(folder.glob("*.json"))[0]
    _bump_mtime(target)
    assert lib.needs_update()  # the cheap stat check cannot know the bytes are the same
    gen = lib._ix.latest_generation()
    report = lib.update()
    assert (report.updated, report.unchanged) == (0, 8)
    assert lib._ix.latest_generation() == gen
    assert not lib.needs_update()  # the new mtime was remembered


def test_added_and_removed_files(corpus):
    folder, lib = corpus
    new = write_json(folder, 100, date="2024-01-02")
    gone = sorted(folder.glob("*.json"))[1]
    gone_id = lib.get(str(gone)).id
    gone.unlink()
    report = lib.update()
    assert (report.added, report.removed, report.unchanged) == (1, 1, 7)
    assert lib.get(gone_id) is None
    assert lib.get(str(new)) is not None
    assert len(lib) == 8


def test_jsonl_records_are_diffed_one_by_one(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    path = folder / "feed.jsonl"
    recs = [
        {"id": f"k{i}", "title": f"Harbor note {i}", "text": f"Ferry number {i} left port."}
        for i in range(4)
    ]
    path.write_text("\n".join(json.dumps(r) for r in recs))
    with Library.open([folder], tmp_path / "ix") as lib:
        assert lib.update().added == 4
        recs[2]["text"] = "Ferry number 2 was cancelled because of fog."
        del recs[3]
        recs.append({"id": "k9", "title": "Harbor note 9", "text": "A new pier opened."})
        path.write_text("\n".join(json.dumps(r) for r in recs))
        _bump_mtime(path)
        report = lib.update()
        assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 2)
        assert lib.search("fog").total == 1 and lib.search("pier").total == 1
        assert len(lib) == 4


def test_missing_corpus_root_keeps_its_articles(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    make_corpus(a, 3)
    make_corpus(b, 2)
    with Library.open([a, b], tmp_path / "ix") as lib:
        lib.update()
        b.rename(tmp_path / "b-unmounted")
        report = lib.update()
        assert report.removed == 0 and len(lib) == 5
        assert any(s.path == str(b) for s in report.skipped)


def test_rebuild_swaps_in_a_new_generation_atomically(corpus, tmp_path):
    folder, lib = corpus
    old_gen = lib._gen
    reader_side = Library.open([folder], lib.index_dir, readonly=True)
    assert reader_side.search("ferry").total > 0
    report = lib.update(rebuild=True)
    assert report.added == 8 and report.documents == 8
    assert lib._gen != old_gen
    assert not (lib.index_dir / old_gen).exists()  # old generation cleaned up
    assert (lib.index_dir / "CURRENT").read_text().strip() == lib._gen
    # the other process-side library follows CURRENT on its next search
    assert reader_side.search("ferry").total == lib.search("ferry").total
    reader_side.close()


def test_a_crashed_rebuild_leaves_the_live_index_alone(corpus, monkeypatch):
    folder, lib = corpus

    def boom(*a, **k):
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(store._Updater, "_corpus_pass", boom)
    with pytest.raises(RuntimeError):
        lib.update(rebuild=True)
    monkeypatch.undo()
    assert len(lib) == 8 and lib.search("ferry").total > 0
    lib.update()  # the half-built generation is cleaned up by the next update
    assert [p.name for p in lib.index_dir.glob("g*")] == [lib._gen]


def test_parallel_build_matches_in_process_build(tmp_path, monkeypatch):
    from index import stories

    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "c"
    make_corpus(folder, store.POOL_MIN_FILES + 6)
    with Library.open([folder], tmp_path / "par") as par:
        report = par.update()
        assert stories._key_table().exists()  # common words' keys, for later updates
        par_hits = [(h.id, h.title) for h in par.search("ferry OR missile", limit=100).hits]
        par_total = len(par)
    monkeypatch.setattr(store, "POOL_MIN_FILES", 10**9)
    with Library.open([folder], tmp_path / "seq") as seq:
        seq.update()
        seq_hits = [(h.id, h.title) for h in seq.search("ferry OR missile", limit=100).hits]
        assert len(seq) == par_total == report.added
    assert sorted(par_hits) == sorted(seq_hits)


@pytest.mark.parametrize("words_ahead", [False, True])
def test_a_first_build_writes_each_document_once_with_what_a_full_pass_gives(
    tmp_path, monkeypatch, words_ahead
):
    """The parallel first build groups stories before writing (build.read_chunk,
    write_chunk): every stored field (story, borrowed dates, corpus-wide entity names)
    equals what indexing and then running the corpus pass gives, no document is
    rewritten, and no spool file is left behind.  ``words_ahead``: the story pass
    waits until a worker has prepared a unit's words (as at 100k, where the pass
    takes 10 s), so step 2 writes from them."""
    import shutil
    import time

    from test_store_helpers import SEEDS

    from index import corpus_pass
    from index.schema import unpack_article

    folder = tmp_path / "c"
    make_corpus(folder, store.POOL_MIN_FILES + 6)
    for i, day in ((100, 1), (101, 2), (102, 3)):
        write_json(folder, i, date=f"2024-06-{day:02d}", topic=1, place=2)
    for seed in sorted(SEEDS.glob("*.txt")):  # weekday-only dates, name variants
        shutil.copy(seed, folder / seed.name)

    def stored(lib):
        fields = {}
        for f in lib.searcher().all_stored_fields():
            f = dict(f)
            f["article"] = unpack_article(f["article"]).to_dict()
            f.pop("path")
            fields[f["id"]] = f
        return fields

    with Library.open([folder], tmp_path / "par") as par:
        gdir = par._gen_dir
        waited = []
        group = corpus_pass.finalize_new
        if words_ahead:

            def slow_pass(*args, **kwargs):
                deadline = time.monotonic() + 30
                while not list(gdir.glob("*.words")) and time.monotonic() < deadline:
                    time.sleep(0.01)
                waited.append(bool(list(gdir.glob("*.words"))))
                return group(*args, **kwargs)

            monkeypatch.setattr(corpus_pass, "finalize_new", slow_pass)
        report = par.update()
        monkeypatch.setattr(corpus_pass, "finalize_new", group)
        assert waited == ([True] if words_ahead else [])
        par_fields = stored(par)
        searcher = par.searcher()
        assert searcher.doc_count_all() == searcher.doc_count()  # none written twice
    assert not list(gdir.glob(f"{build.TMP_PREFIX}*"))
    monkeypatch.setattr(store, "POOL_MIN_FILES", 10**9)
    with Library.open([folder], tmp_path / "seq") as seq:
        seq.update()
        seq_fields = stored(seq)
    assert report.added == len(par_fields) == len(seq_fields)
    stories = [f["story"] for f in par_fields.values()]
    assert len(set(stories)) < len(stories)  # some stories hold several articles
    for article_id, fields in seq_fields.items():
        for name, value in fields.items():
            if name != "article":
                assert par_fields[article_id].get(name) == value, (article_id, name)
        assert par_fields[article_id]["article"] == fields["article"], article_id


def test_a_worker_pool_that_cannot_start_falls_back_to_indexing_here(tmp_path, monkeypatch):
    """A script without a ``__main__`` guard cannot start workers under forkserver:
    the first build then indexes in this process, with its stories and an honest
    progress count."""
    from concurrent.futures.process import BrokenProcessPool

    class NoPool:
        queue = None

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        class executor:  # noqa: N801 - stands in for the pool's executor attribute
            @staticmethod
            def submit(*args, **kwargs):
                raise BrokenProcessPool("no workers")

    monkeypatch.setattr(store, "Pool", NoPool)
    folder = tmp_path / "c"
    make_corpus(folder, store.POOL_MIN_FILES + 6)
    ticks = []
    with Library.open([folder], tmp_path / "ix") as lib:
        report = lib.update(ticks.append)
        assert report.added == len(lib) == store.POOL_MIN_FILES + 6
        assert all(h.story for h in lib.search("", limit=100).hits)
    indexing = [t for t in ticks if t.phase == "indexing"]
    assert indexing and all(t.done <= t.total for t in indexing)
    assert indexing[-1].done == indexing[-1].total


def test_parallel_update_of_many_changed_files(tmp_path):
    folder = tmp_path / "c"
    paths = make_corpus(folder, store.POOL_MIN_FILES + 4)
    with Library.open([folder], tmp_path / "ix") as lib:
        lib.update()
        for p in paths:
            _append(p, "Updated with a note about the tide tables.")
        report = lib.update()
        assert report.updated == len(paths) and report.added == 0
        assert len(lib) == len(paths)
        assert lib.search('"tide tables"').total == len(paths)


def test_crash_between_commit_and_manifest_is_reconciled(corpus):
    folder, lib = corpus
    # Simulate a crash after Whoosh committed a file's article but before the manifest
    # recorded it: the manifest lacks the file and is a generation behind.  The next
    # update must repair that without duplicating the article.
    from index.manifest import Manifest

    target = sorted(folder.glob("*.json"))[2]
    m = Manifest(lib._gen_dir)
    m.write((), [str(target.resolve())], generation=0)
    m.close()
    report = lib.update()
    assert report.added + report.updated == 1
    assert len(lib) == 8
    title = lib.get(str(target)).title
    assert [h.path for h in lib.search(f'title:"{title}"').hits] == [str(target.resolve())]
    assert not lib.needs_update()


def test_files_added_in_new_and_nested_folders_are_found(corpus):
    folder, lib = corpus
    deep = folder / "2024" / "june"
    deep.mkdir(parents=True)
    assert lib.update().added == 0  # empty folders: nothing to index
    write_json(deep, 200)
    assert lib.needs_update()
    assert lib.update().added == 1
    write_json(deep, 201)  # the nested folder's mtime changes, not the root's
    report = lib.update()
    assert report.added == 1 and len(lib) == 10
    (deep / "article_0200.json").unlink()
    assert lib.update().removed == 1


def test_manifest_that_lost_track_of_missing_articles_reparses_them(corpus):
    folder, lib = corpus
    # The index lost an article the manifest still lists (crash after a delete was
    # committed but before the file's new version was): the file is parsed again.
    target = sorted(folder.glob("*.json"))[4]
    doc_id = lib.get(str(target)).id
    w = lib._ix.writer()
    w.delete_by_term("id", doc_id)
    w.commit()
    report = lib.update()
    assert report.added + report.updated == 1
    assert lib.get(doc_id) is not None and len(lib) == 8


@pytest.mark.parametrize("n", [6, store.POOL_MIN_FILES + 6])
def test_corpus_pass_changes_are_written_without_losing_documents(tmp_path, monkeypatch, n):
    folder = tmp_path / "c"
    make_corpus(folder, n)
    with Library.open([folder], tmp_path / "ix") as lib:
        lib.update()
        ferry = lib.search("ferry", limit=100).total
        # a corpus pass that puts everything in one story: every document is rewritten
        monkeypatch.setattr(
            store.corpus_pass,
            "finalize",
            lambda arts, changed, model=None, progress=None: store.corpus_pass.Finalized(
                {a.id: {"story": "s-one"} for a in arts}
            ),
        )
        write_json(folder, 503)  # a drought article
        lib.update()
        assert len(lib) == n + 1
        assert dict(lib.search("").facets["story"]) == {"s-one": n + 1}
        assert lib.search("ferry", limit=100).total == ferry
        assert lib.search('story:"s-one"', limit=1).total == n + 1


def test_many_small_worker_segments_keep_every_document(tmp_path, monkeypatch):
    # One file per chunk gives many tiny segments, which Whoosh's default merge
    # policy would merge at commit time: no document may be lost on the way.
    folder = tmp_path / "c"
    paths = make_corpus(folder, store.POOL_MIN_FILES + 16)
    monkeypatch.setattr(store, "chunks", lambda jobs, **kw: build.chunks(jobs, first=1, largest=1))
    monkeypatch.setattr(store, "write_units", lambda sizes: [[i] for i in range(len(sizes))])
    with Library.open([folder], tmp_path / "ix") as lib:
        report = lib.update()
        assert report.added == len(paths) == len(lib)
        assert len(lib._ix._segments()) >= 6  # (commits fold tiny ones: merge_tiny)
        for p in paths[:10]:  # and updates on top of that many segments
            rec = json.loads(p.read_text())
            rec["text"] += "\\n\\nA note on the harbour lights."
            p.write_text(json.dumps(rec))
            _bump_mtime(p)
        assert lib.update().updated == 10
        assert len(lib) == len(paths)
        assert lib.search('"harbour lights"', limit=100).total == 10


def test_update_from_a_background_thread_uses_a_safe_worker_pool(tmp_path):
    # The app indexes from a worker thread: workers must not be forked from a
    # threaded process (forkserver instead), and results must be the same.
    import threading

    folder = tmp_path / "c"
    make_corpus(folder, store.POOL_MIN_FILES + 2)
    with Library.open([folder], tmp_path / "ix") as lib:
        out = {}
        worker = threading.Thread(target=lambda: out.setdefault("report", lib.update()))
        worker.start()
        worker.join(timeout=300)
        assert out["report"].added == store.POOL_MIN_FILES + 2 == len(lib)


def test_small_change_next_to_a_huge_story_only_attaches_the_changed_article(corpus, monkeypatch):
    folder, lib = corpus
    before = {h.id: h.story for h in lib.search("", limit=50).hits}
    monkeypatch.setattr(store.corpus_pass, "MAX_REGROUP", 1)  # every neighbourhood is "huge"
    full = []
    real = store.corpus_pass._stories
    monkeypatch.setattr(store.corpus_pass, "_stories", lambda *args: full.append(1) or real(*args))
    target = sorted(folder.glob("*.json"))[2]
    _append(target, "The ferry pier was repainted.")
    assert lib.update().updated == 1
    assert full == []  # no regrouping of the corpus
    after = {h.id: h.story for h in lib.search("", limit=50).hits}
    changed = lib.get(str(target)).id
    assert after[changed]
    assert {k: v for k, v in after.items() if k != changed} == {
        k: v for k, v in before.items() if k != changed
    }


def test_small_updates_fold_tiny_segments_but_never_rewrite_big_ones(corpus, monkeypatch):
    from index import build

    folder, lib = corpus
    monkeypatch.setattr(build, "TINY_SEGMENT", 3)  # the first build's 8-doc segment is "big"
    monkeypatch.setattr(build, "MERGE_AT", 3)  # fold tiny ones as soon as three exist

    def segments():
        return {seg.segment_id(): seg.doc_count_all() for seg in lib._ix._segments()}

    big = {sid for sid, n in segments().items() if n > 3}
    assert big
    files = sorted(folder.glob("*.json"))
    for round_ in range(6):
        target = files[round_ % 3]
        _append(target, f"Update number {round_} to the harbour story.")
        assert lib.update().updated == 1
        now = segments()
        assert big <= now.keys()  # the big segment is never merged away
        assert len(now) <= len(big) + 3  # tiny ones do not pile up
    assert lib.search("harbour", limit=50).total >= 1
    assert lib.search("", limit=50).total == 8


@pytest.mark.parametrize("n", [1, 2, 3, 49, 120, 10_000, 100_000])
def test_chunks_take_every_file_once_and_end_with_even_shares(n):
    """The first results come from a small chunk; the last round gives each of the two
    workers an even share (neither idles while the other finishes a big chunk)."""
    jobs = list(range(n))
    parts = list(build.chunks(jobs))
    assert [j for part in parts for j in part] == jobs
    assert len(parts[0]) <= 50 and max(len(p) for p in parts) <= 5000
    if n > 1:
        last_two = [len(p) for p in parts[-2:]]
        assert max(last_two) - min(last_two) <= 1


@pytest.mark.parametrize("n", [5_000, 20_000, 100_000])
def test_chunks_let_two_workers_finish_together(n):
    """Two workers taking the chunks in order (each as soon as it is free, a chunk's
    time proportional to its files) end within one small chunk of each other: no core
    idles while the other works through a last big chunk."""
    busy = [0, 0]
    for part in build.chunks(list(range(n))):
        busy[busy.index(min(busy))] += len(part)
    assert sum(busy) == n
    assert max(busy) - min(busy) <= 500
    assert max(busy) <= 1.01 * n / 2 + 250


@pytest.mark.parametrize("n", [1, 600, 5_000, 20_000, 100_000])
def test_a_first_build_writes_its_small_reads_together(n):
    """Step 2 groups consecutive reads into segments of up to 5,000 documents: a 100k
    build's index has 22 segments, not one per read (34), and neither of the two
    workers idles at the end for more than ~500 documents' writing (~0.35 s)."""
    sizes = [len(part) for part in build.chunks(list(range(n)))]
    units = build.write_units(sizes)
    assert sorted(i for unit in units for i in unit) == list(range(len(sizes)))
    assert all(unit == list(range(unit[0], unit[-1] + 1)) for unit in units)  # consecutive
    docs = [sum(sizes[i] for i in unit) for unit in units]
    assert max(docs) <= 5000
    assert len(units) <= -(-n // 5000) + 3  # at most 3 more than the fewest possible
    busy = [0, 0]
    for d in docs:
        busy[busy.index(min(busy))] += d
    assert max(busy) - min(busy) <= 500


def test_workers_report_progress_in_batches_and_lose_no_file(monkeypatch):
    """A message per file cost a worker ~8% of its time: files done in quick succession
    go in one message, and the end of a task sends what is left."""
    sent: list[list[str]] = []

    class Queue:
        def put(self, item):
            sent.append(item)

    monkeypatch.setattr(build, "_progress_queue", Queue())
    paths = [f"f{i}.txt" for i in range(1000)]
    for p in paths:
        build._report(p)
    build._report(None)
    assert [p for batch in sent for p in batch] == paths
    assert len(sent) <= 3
    build._report(None)  # nothing left: no empty message
    assert len(sent) <= 3


def test_files_appearing_anywhere_in_nested_folders_are_found(tmp_path, monkeypatch):
    """The scan only lists folders whose mtime changed: a file added deep down, a new
    subfolder, a removed one and a symlink loop are all still seen (or survived)."""
    root = tmp_path / "c"
    deep = root / "a" / "b" / "c"
    deep.mkdir(parents=True)
    write_json(deep, 1)
    write_json(root / "a", 2)
    (root / "a" / "loop").symlink_to(root / "a", target_is_directory=True)
    with Library.open([root], tmp_path / "ix") as lib:
        assert lib.update().added == 2
        listed: list[str] = []
        real_scandir = os.scandir

        def counting(path="."):
            listed.append(str(path))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", counting)
        assert not lib.needs_update()
        assert listed == []  # nothing changed: no folder had to be listed
        write_json(deep, 3)  # only c's mtime changes
        assert lib.update().added == 1
        (root / "a" / "d").mkdir()  # a's mtime changes; d is new
        write_json(root / "a" / "d", 4)
        assert lib.update().added == 1
        for p in (root / "a" / "b" / "c").iterdir():
            p.unlink()
        (root / "a" / "b" / "c").rmdir()
        report = lib.update()
        assert report.removed == 2
        assert lib.search("*", limit=10).total == 2


def test_a_regrouped_story_keeps_its_id_when_its_first_article_changes(tmp_path):
    """A saved ``story:ID`` search keeps finding the story after one of its articles is
    edited, even when the edit makes another article the earliest one."""
    folder = tmp_path / "corpus"
    make_corpus(folder, 8)
    for i, day in ((100, 1), (101, 2), (102, 3)):
        write_json(folder, i, date=f"2024-06-{day:02d}", topic=0, place=0)
    names = ["article_0100.json", "article_0101.json", "article_0102.json"]
    with Library.open([folder], tmp_path / "ix") as lib:
        lib.update()
        story = {os.path.basename(h.path): (h.story, h.id) for h in lib.search("", limit=50).hits}
        first_id = story[names[0]][1]
        assert {story[n][0] for n in names} == {f"s-{first_id}"}
        rec = json.loads((folder / names[0]).read_text())
        rec["date"] = "2024-06-05"  # another article is now the story's earliest
        (folder / names[0]).write_text(json.dumps(rec))
        _bump_mtime(folder / names[0])
        assert lib.update().updated == 1
        hits = lib.search(f'story:"s-{first_id}"', limit=50).hits
        assert sorted(os.path.basename(h.path) for h in hits) == names


SHARED = __import__("pathlib").Path(__file__).resolve().parents[1].parent / "shared"


@pytest.mark.skipif(not (SHARED / "corpus" / "basil").exists(), reason="shared data missing")
def test_editing_one_article_leaves_every_other_articles_story_alone(tmp_path):
    """A one-file edit regroups the stories near it; untouched articles keep their
    story ids (they did not: each edit split a few neighbouring stories, since the
    neighbourhood was weighed by its own statistics instead of the corpus')."""
    import shutil

    folder = tmp_path / "basil"
    shutil.copytree(SHARED / "corpus" / "basil", folder)
    files = sorted(folder.glob("*.json"))

    def stories(lib) -> dict[str, str]:
        return {f["id"]: f["story"] for f in lib.searcher().all_stored_fields()}

    with Library.open([folder], tmp_path / "ix") as lib:
        lib.update()
        for path in files[::60]:
            before = stories(lib)
            record = json.loads(path.read_text(encoding="utf-8"))
            record["text"] += "\n\nThis article was updated with a correction."
            path.write_text(json.dumps(record), encoding="utf-8")
            _bump_mtime(path)
            assert lib.update().updated == 1
            after = stories(lib)
            edited = lib.get(str(path)).id
            moved = {
                i: (before[i], after[i]) for i in before if i != edited and before[i] != after[i]
            }
            assert moved == {}


def test_an_index_without_a_story_model_learns_one_on_its_next_update(corpus):
    # indexes made before the model existed (or whose model file was lost): the next
    # change runs the full story pass, which saves the model for the ones after it
    folder, lib = corpus
    model = lib._gen_dir / store.STORY_MODEL
    assert model.exists()
    model.unlink()
    target = sorted(folder.glob("*.json"))[1]
    _append(target, "The harbour master added a note.")
    assert lib.update().updated == 1
    assert model.exists()
    assert all(h.story for h in lib.search("", limit=50).hits)


def test_tiny_segments_are_merged_like_a_binary_counter():
    """Each small update adds a one-document segment; merges keep the tiny ones few
    and rewrite each document a few times, not once every few updates (folding each
    new document into one ~90-document segment cost ~0.4 s per merge at 100k)."""
    sizes = [5000, 5000, 91]
    rewritten = most = 0
    for _ in range(600):
        sizes.append(1)
        chosen = build.merge_choice(sizes)
        if chosen:
            rewritten += sum(sizes[i] for i in chosen)
            merged = sum(sizes[i] for i in chosen)
            sizes = [n for i, n in enumerate(sizes) if i not in chosen] + [merged]
        most = max(most, sum(1 for n in sizes if n <= build.TINY_SEGMENT))
        assert sizes.count(5000) == 2  # big segments are never rewritten
    assert sum(sizes) == 10_000 + 91 + 600
    assert most <= build.MERGE_AT + 8
    assert rewritten <= 4 * (600 + 91)  # (the old policy: 6243)


def test_a_damaged_scan_cache_costs_one_full_walk(corpus):
    from index.scan import STATE_FILE

    folder, lib = corpus
    state = lib._gen_dir / STATE_FILE
    assert state.exists()  # the walk is kept beside the manifest, not in it
    state.write_text('{"roots": [', encoding="utf-8")
    write_json(folder, 300)
    assert lib.update().added == 1
    assert json.loads(state.read_text(encoding="utf-8"))["files"]  # written again
    assert not lib.needs_update()


@pytest.mark.parametrize("stop_in", ["finalize", "remember_scan"])
def test_stories_interrupted_after_the_documents_are_grouped_on_the_next_run(
    tmp_path, monkeypatch, stop_in
):
    """Ctrl+C (or the app quitting) while an update groups stories, or just before: the
    documents were committed, so the next run finds no changed file, yet must still
    group them (before the changed ids are recorded: the whole corpus is regrouped)."""
    from index import corpus_pass

    where = corpus_pass if stop_in == "finalize" else store
    folder = tmp_path / "corpus"
    make_corpus(folder, 8)
    write_json(folder, 100, date="2024-06-01", topic=0, place=0)
    with Library.open([folder], tmp_path / "ix") as lib:
        lib.update()
        write_json(folder, 101, date="2024-06-02", topic=0, place=0)  # the same event

        def interrupted(*args, **kwargs):
            raise KeyboardInterrupt

        with monkeypatch.context() as m:
            m.setattr(where, stop_in, interrupted)
            with pytest.raises(KeyboardInterrupt):
                lib.update()
        assert lib.needs_update()  # the grouping is still due
        report = lib.update()
        assert (report.added, report.updated, report.caught_up) == (0, 0, True)
        story = {os.path.basename(h.path): h.story for h in lib.search("", limit=50).hits}
        assert story["article_0100.json"] == story["article_0101.json"]
        assert not lib.needs_update()


def test_grouping_stories_reports_progress_and_can_be_stopped_there(tmp_path):
    """The story pass of an update counts the changed articles it has gone through (a
    few hundred added to a large corpus take seconds); a progress callback that raises
    (the app quitting) stops it there, and the next run finishes it."""
    folder = tmp_path / "corpus"
    make_corpus(folder, 8)
    with Library.open([folder], tmp_path / "ix") as lib:
        lib.update()
        for i in range(100, 104):
            write_json(folder, i, date=f"2024-06-0{i - 99}", topic=0, place=0)
        ticks = []
        lib.update(lambda p: ticks.append((p.phase, p.done, p.total)))
        counted = [(done, total) for phase, done, total in ticks if phase == "stories" and total]
        assert counted and {total for _, total in counted} == {4}
        assert [done for done, _ in counted] == sorted(done for done, _ in counted)

        write_json(folder, 104, date="2024-06-05", topic=0, place=0)

        def quit_while_grouping(p) -> None:
            if p.phase == "stories" and p.total:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            lib.update(quit_while_grouping)
        assert lib.needs_update()
        assert lib.update().caught_up
        story = {os.path.basename(h.path): h.story for h in lib.search("", limit=50).hits}
        assert story["article_0104.json"] == story["article_0100.json"]
        assert not lib.update().caught_up


def test_tiny_segments_of_uneven_sizes_are_merged_too():
    """Batches of added files leave tiny segments of all sizes (15, 30, 37, 50...);
    each commit folds some of them together instead of leaving them all: every
    segment costs each search and each neighbour lookup a term lookup."""
    sizes = [5000, 5000] + [15, 30, 30, 37, 40, 41] + [50] * 7 + [75] * 12 + [99] + [100] * 12
    tiny = [n for n in sizes if n <= build.TINY_SEGMENT]
    for _ in range(10):  # ten commits
        chosen = build.merge_choice(sizes)
        merged = sum(sizes[i] for i in chosen)
        sizes = [n for i, n in enumerate(sizes) if i not in chosen] + ([merged] if chosen else [])
    assert sum(1 for n in sizes if n <= build.TINY_SEGMENT) < build.MERGE_AT
    assert sum(sizes) == 10_000 + sum(tiny) and sizes.count(5000) == 2


def test_a_file_is_hashed_alike_whether_parsed_or_skipped_as_too_large(tmp_path, monkeypatch):
    """The indexer hashes the bytes it parses; a file it will not parse is hashed by
    streaming it.  Both must give the manifest the same hash, or a file that shrinks
    below the size limit would look changed when it is not (and vice versa)."""
    from index import ingest, load

    path = write_json(tmp_path, 1)
    parsed = ingest.parse_file(str(path))
    assert parsed.docs and parsed.reason is None
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 10)
    skipped = ingest.parse_file(str(path))
    assert not skipped.docs and "large" in (skipped.reason or "")
    assert parsed.hash == skipped.hash == ingest.file_hash(path)
    assert ingest.parse_file(str(path), known_hash=parsed.hash).unchanged


def _segment_contents(segment, tmp) -> tuple:
    """Everything a search can see in one written segment: stored fields, each
    document's body length and, for every term of every field, each posting's
    document, weight and positions."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.reading import SegmentReader

    reader = SegmentReader(FileStorage(tmp), build_schema(), segment)
    stored = [dict(f) for f in reader.all_stored_fields()]
    lengths = [reader.doc_field_length(d, "body") for d in range(reader.doc_count_all())]
    postings = {}
    for field, term in reader.all_terms():
        positions = reader.schema[field].format.supports("positions")
        m = reader.postings(field, term)
        items = []
        while m.is_active():
            value = tuple(m.value_as("positions")) if positions else None
            items.append((m.id(), m.weight(), value))
            m.next()
        postings[(field, term)] = items
    reader.close()
    return stored, lengths, postings


def test_words_prepared_while_stories_are_grouped_write_the_same_segment(tmp_path):
    """Step 2's words can be made ahead (build.prepare_unit, on the core the story pass
    leaves idle): the segment written from them is the one written without them."""
    folder = tmp_path / "c"
    make_corpus(folder, 30)
    jobs = [(str(p.resolve()), None, {}) for p in sorted(folder.glob("*.json"))]
    gdir = tmp_path / "g"
    gdir.mkdir()
    plain = build.read_chunk(str(gdir), jobs[:12]), build.read_chunk(str(gdir), jobs[12:])
    ahead = build.read_chunk(str(gdir), jobs[:12]), build.read_chunk(str(gdir), jobs[12:])
    spools = [r.spool for r in ahead]
    path = build.prepare_unit(str(gdir), build_schema(), spools)
    assert path == build.prepared_path(spools) and os.path.exists(path)
    values = {next(iter(r.offsets)): {"story": "s-shared"} for r in plain}
    a = build.write_chunk(str(gdir), build_schema(), [r.spool for r in plain], values)
    b = build.write_chunk(str(gdir), build_schema(), spools, values)
    assert not os.path.exists(path)  # used up
    first, second = _segment_contents(*a), _segment_contents(*b)
    assert first == second
    stored, lengths, postings = first
    assert len(stored) == 30 and sum(lengths) > 0
    assert any(f.get("story") == "s-shared" for f in stored)
    assert any(field == "body" for field, _ in postings)
