"""The manifest's snapshot: a re-run reads one blob instead of a row per file, and never
trusts a snapshot older than the rows."""

from __future__ import annotations

import json
import os
import random
from array import array

from test_store_helpers import (
    isolated_cache,  # noqa: F401  (autouse: keeps the user's cache dir untouched)
    make_corpus,
    write_json,
)

from index.manifest import FileEntry, Manifest, Snapshot
from index.store import Library


def _rows(manifest: Manifest) -> Snapshot:
    return Snapshot.read(manifest.db)


def _same(a: Snapshot, b: Snapshot) -> bool:
    key = lambda s: sorted(  # noqa: E731
        zip(s.paths, s.sizes.tolist(), s.mtimes.tolist(), s.counts.tolist(), strict=True)
    )
    return key(a) == key(b) and a.reasons == b.reasons


def _bump(path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


def test_snapshot_round_trip_keeps_odd_names_reasons_and_counts():
    odd = os.fsdecode(b"/c/caf\xe9.txt")  # not UTF-8: a surrogate in the str
    snap = Snapshot(
        ["/c/a.json", odd, "/c/new\nline.md"],
        array("q", [10, 0, 2**40]),
        array("q", [1, 2, 3]),
        array("L", [2, 0, 1]),
        {odd: "empty file"},
        serial=7,
    )
    again = Snapshot.decode(snap.encode())
    assert again is not None and _same(again, snap) and again.serial == 7
    assert again.paths[1] == odd
    empty = Snapshot([], array("q"), array("q"), array("L"), {}, serial=1)
    assert Snapshot.decode(empty.encode()).paths == []
    assert Snapshot.decode(snap.encode()[:50]) is None  # damaged: no snapshot
    flipped = bytearray(snap.encode())
    flipped[60] ^= 1  # one bit of one file's stat
    assert Snapshot.decode(bytes(flipped)) is None
    assert Snapshot.decode(b"something else entirely") is None


def test_a_patched_snapshot_leaves_the_original_as_it_was():
    snap = Snapshot(
        ["/c/a.json", "/c/b.json"], array("q", [1, 2]), array("q", [3, 4]), array("L", [1, 1]), {}
    )
    new = snap.patched(
        {"/c/b.json": None, "/c/c.json": FileEntry("/c/c.json", 5, 6, "h", ("x",), ("y",))}
    )
    assert new.paths == ["/c/a.json", "/c/c.json"] and new.sizes.tolist() == [1, 5]
    assert snap.paths == ["/c/a.json", "/c/b.json"] and snap.sizes.tolist() == [1, 2]


def test_each_update_leaves_a_snapshot_equal_to_the_rows(tmp_path):
    folder = tmp_path / "c"
    files = make_corpus(folder, 6)
    with Library.open([folder], tmp_path / "ix") as lib:
        lib.update()
        steps = [
            lambda: write_json(folder, 40),  # added
            lambda: files[1].unlink(),  # removed
            lambda: (files[2].write_text("", encoding="utf-8"), _bump(files[2])),  # skipped
            lambda: (
                files[3].write_text(
                    json.dumps({"title": "Ferry news", "text": "The ferry sailed late."})
                ),
                _bump(files[3]),
            ),  # changed
        ]
        for step in steps:
            step()
            lib.update()
            manifest = Manifest(lib._gen_dir)
            try:
                snap = manifest.snapshot()
                assert snap is not None  # the update saved one, and nothing wrote since
                assert _same(snap, _rows(manifest))
                assert manifest.stats() == {
                    p: (s, m) for p, s, m, _c in zip(*_columns(_rows(manifest)), strict=True)
                }
            finally:
                manifest.close()
        report = lib.update()  # answered from the snapshot: the same counts and reasons
        assert report.unchanged == len(lib) == 6 + 1 - 1 - 1  # added, removed, emptied
        assert [s.reason for s in report.skipped] == ["empty file"]
        assert not lib.needs_update()


def _columns(s: Snapshot):
    return s.paths, s.sizes.tolist(), s.mtimes.tolist(), s.counts.tolist()


def test_a_write_after_the_snapshot_makes_the_rows_the_truth(tmp_path):
    # a crash between a manifest write and the end of an update leaves an old snapshot:
    # its serial no longer matches, so the rows are read instead
    folder = tmp_path / "c"
    make_corpus(folder, 4)
    with Library.open([folder], tmp_path / "ix") as lib:
        lib.update()
        gdir = lib._gen_dir
    manifest = Manifest(gdir)
    try:
        assert manifest.snapshot() is not None
        path = str(folder / "ghost.json")
        manifest.write([FileEntry(path, 9, 9, "h", ("x1", "x2"))], (), 1)  # no snapshot saved
        fresh = Manifest(gdir)
        try:
            assert fresh.snapshot() is None
            assert fresh.stats()[path] == (9, 9)
            total, _ = fresh.summaries_except(set())
            assert total == 4 + 2
        finally:
            fresh.close()
    finally:
        manifest.close()


def test_a_snapshot_patched_with_many_changes_equals_the_rows(tmp_path):
    folder = tmp_path / "c"
    files = make_corpus(folder, 30)
    with Library.open([folder], tmp_path / "ix") as lib:
        lib.update()
        for path in files[:25]:  # more than a few: the worker pool writes them
            rec = json.loads(path.read_text())
            rec["text"] += "\n\nA later edition added this line."
            path.write_text(json.dumps(rec))
            _bump(path)
        files[29].unlink()
        report = lib.update()
        assert (report.updated, report.removed) == (25, 1)
        manifest = Manifest(lib._gen_dir)
        try:
            snap = manifest.snapshot()
            assert snap is not None and _same(snap, _rows(manifest))
        finally:
            manifest.close()


def test_a_re_run_compares_columns_and_reads_no_row_per_file(tmp_path, monkeypatch):
    """After an update the snapshot lists the files in the scan's order, so the next
    run compares the two column by column; an added file is found in the snapshot's
    paths, still without a row per file."""
    folder = tmp_path / "c"
    files = make_corpus(folder, 6)
    reads = []
    real = Manifest.stats
    monkeypatch.setattr(Manifest, "stats", lambda self: reads.append(1) or real(self))
    with Library.open([folder], tmp_path / "ix") as lib:
        lib.update()
        reads.clear()
        for round_ in range(2):
            rec = json.loads(files[2].read_text())
            rec["text"] += f"\n\nCorrection number {round_}."
            files[2].write_text(json.dumps(rec))
            _bump(files[2])
            report = lib.update()
            assert (report.updated, report.unchanged) == (1, 5 + round_)
            assert reads == []  # no dict of every file's stat was built
            write_json(folder, 50 + round_)  # a new file: its folder's list changes
            assert lib.update().added == 1
            assert reads == []
        assert not lib.needs_update()
        assert lib.search("correction", limit=10).total == 1


def test_snapshot_diff_equals_a_comparison_by_path():
    """Files added, removed, reordered or changed: the same answer as a dict per path."""
    rng = random.Random(7)
    for _ in range(200):
        n = rng.randint(0, 40)
        paths = [f"/c/{i:03d}.json" for i in rng.sample(range(60), n)]
        snap = Snapshot(
            paths,
            array("q", [rng.randint(0, 3) for _ in paths]),
            array("q", [rng.randint(0, 3) for _ in paths]),
            array("L", [1] * n),
            {},
        )
        kept = [p for p in paths if rng.random() < 0.8]
        files = kept + [f"/c/{i:03d}.json" for i in range(60, 60 + rng.randint(0, 3))]
        if rng.random() < 0.5:
            rng.shuffle(files)
        stat = {p: (rng.randint(0, 3), rng.randint(0, 3)) for p in files}
        sizes = array("q", [stat[p][0] for p in files])
        mtimes = array("q", [stat[p][1] for p in files])
        old = dict(zip(paths, zip(snap.sizes, snap.mtimes, strict=True), strict=True))
        changed, gone = snap.diff(files, sizes, mtimes)
        assert changed == [p for p in files if old.get(p) != stat[p]]
        assert sorted(gone) == sorted(set(paths) - set(files))
    snap = Snapshot(["/c/a.json"], array("q", [1]), array("q", [1]), array("L", [1]), {})
    unstattable = array("q", [1, -1])  # a file that could not be stat'ed: rows decide
    assert snap.diff(["/c/a.json", "/c/b.json"], unstattable, unstattable) is None


def test_counts_of_unchanged_files_are_the_same_looked_up_or_summed(tmp_path, monkeypatch):
    """A first build excludes every file it finds from the unchanged count: those are
    summed in one pass over the table instead of one lookup each (100k lookups cost
    ~0.8 s of a 100k build's scan); both ways give the same count and skip reasons."""
    import index.manifest as manifest_mod

    folder = tmp_path / "c"
    paths = make_corpus(folder, 8)
    (folder / "empty.txt").write_text("")
    with Library.open([folder], tmp_path / "ix") as lib:
        lib.update()
        gdir = lib._gen_dir
    names = [str(p) for p in paths]
    cases = [set(), set(names[:3]), set(names), {str(folder / "new.json"), names[0]}]

    def summaries(manifest: Manifest) -> list:
        out = []
        for limit in (0, 10**9):  # every exclusion summed / every one looked up
            monkeypatch.setattr(manifest_mod, "LOOKUPS_MAX", limit)
            out.append([manifest.summaries_except(case) for case in cases])
        return out

    manifest = Manifest(gdir)
    try:
        assert manifest.snapshot() is not None
        summed, looked_up = summaries(manifest)
        assert summed == looked_up
        assert [total for total, _ in summed] == [8, 5, 0, 7]
        assert [len(reasons) for _, reasons in summed] == [1, 1, 1, 1]  # the empty file
        manifest.write([FileEntry(str(folder / "x.json"), 9, 9, "h", ("x1",))], (), 1)
        fresh = Manifest(gdir)  # no snapshot matches now: the rows are read
        try:
            assert fresh.snapshot() is None
            summed, looked_up = summaries(fresh)
            assert summed == looked_up
            assert [total for total, _ in summed] == [9, 6, 1, 8]
        finally:
            fresh.close()
    finally:
        manifest.close()
