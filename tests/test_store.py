"""Library: building an index of the seeds and reading articles back out of it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_store_helpers import (
    SEEDS,
    isolated_cache,  # noqa: F401  (autouse: keeps the user's cache dir untouched)
    make_corpus,
)

from index.errors import IndexNotFound, LibraryError
from index.model import IndexProgress
from index.paths import MARKER, default_index_dir
from index.pipeline import load_file
from index.store import Library

pytestmark = pytest.mark.skipif(not SEEDS.exists(), reason="shared seeds not available")


@pytest.fixture(scope="module")
def seeds_lib(tmp_path_factory):
    ix = tmp_path_factory.mktemp("seeds") / "ix"
    ticks: list[IndexProgress] = []
    lib = Library.open([SEEDS], ix)
    report = lib.update(ticks.append)
    yield lib, report, ticks
    lib.close()


def test_indexes_every_seed_and_reports_progress(seeds_lib):
    lib, report, ticks = seeds_lib
    n = len(sorted(SEEDS.glob("*.txt")))
    assert report.added == n and report.documents == n == len(lib)
    assert report.skipped == ()
    done = [t for t in ticks if t.phase == "indexing"]
    assert [t.done for t in done] == list(range(1, n + 1)) and all(t.total == n for t in done)
    assert {Path(t.path).name for t in done} == {p.name for p in SEEDS.glob("*.txt")}
    assert (lib.index_dir / MARKER).exists()


def test_get_by_id_and_by_path_returns_the_stored_clean_article(seeds_lib):
    lib, _, _ = seeds_lib
    path = sorted(SEEDS.glob("*.txt"))[0]
    expected = load_file(path.resolve())[0]
    by_id = lib.get(expected.id)
    assert by_id == expected  # everything, including raw text, comes back from the index
    assert lib.get(str(path)) == expected
    assert lib.get(path.name) == expected  # relative to the corpus root
    assert lib.get("no-such-id") is None and lib.get("") is None


def test_articles_iterates_every_stored_article(seeds_lib):
    lib, _, _ = seeds_lib
    ids = {a.id for a in lib.articles()}
    assert ids == {load_file(p.resolve())[0].id for p in SEEDS.glob("*.txt")}


def test_idf_is_higher_for_rarer_words(tmp_path):
    make_corpus(tmp_path / "c", 10)  # every body has "the"; "ferry" is in 2 of 10
    with Library.open([tmp_path / "c"], tmp_path / "ix") as lib:
        lib.update()
        assert lib.idf("the") < lib.idf("ferry") < lib.idf("zzzqqq")
        assert lib.idf("Ferries") == lib.idf("ferry")  # analysed like the body: stemmed, lowercased
        assert lib.idf("") == 0.0


def test_readonly_open_searches_without_writing(seeds_lib):
    lib, _, _ = seeds_lib
    before = sorted(p.name for p in lib.index_dir.rglob("*"))
    with Library.open([SEEDS], lib.index_dir, readonly=True) as ro:
        assert len(ro) == len(lib)
        assert ro.search("missile").total > 0
        with pytest.raises(LibraryError):
            ro.update()
    assert sorted(p.name for p in lib.index_dir.rglob("*")) == before


def test_readonly_open_without_index_says_how_to_build_one(tmp_path):
    with pytest.raises(IndexNotFound, match="reader index"):
        Library.open([tmp_path], tmp_path / "nothing-here", readonly=True)


def test_refuses_to_use_a_folder_that_is_not_an_index(tmp_path):
    stranger = tmp_path / "photos"
    stranger.mkdir()
    (stranger / "holiday.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(LibraryError, match="not a reader index"):
        Library.open([tmp_path], stranger)
    assert (stranger / "holiday.jpg").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_unwritable_index_dir_is_a_clear_error(tmp_path):
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        with pytest.raises(LibraryError, match="cannot write"):
            Library.open([tmp_path], parent / "ix")
    finally:
        parent.chmod(0o700)


def test_index_dir_that_cannot_be_created_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(LibraryError, match="cannot write the index"):
        Library.open([tmp_path], blocker / "ix")


def test_default_index_dir_is_per_corpus_in_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    assert default_index_dir([a]) == default_index_dir([str(a) + "/"])
    assert default_index_dir([a]) != default_index_dir([b])
    assert default_index_dir([a, b]) == default_index_dir([b, a])
    assert default_index_dir([a]).parent == tmp_path / "cache" / "indexes"


def test_skipped_files_come_with_a_reason(tmp_path):
    corpus = tmp_path / "c"
    make_corpus(corpus, 2)
    (corpus / "broken.json").write_text("{not json", encoding="utf-8")
    (corpus / "empty.txt").write_text("   \n", encoding="utf-8")
    with Library.open([corpus], tmp_path / "ix") as lib:
        report = lib.update()
        assert report.added == 2
        reasons = {Path(s.path).name: s.reason for s in report.skipped}
        assert set(reasons) == {"broken.json", "empty.txt"}
        assert all(reasons.values())
        again = lib.update()  # still skipped (and still said so), nothing re-read
        assert {Path(s.path).name for s in again.skipped} == set(reasons)
        assert again.added == again.updated == 0


def test_empty_corpus_gives_an_empty_but_working_library(tmp_path):
    (tmp_path / "c").mkdir()
    with Library.open([tmp_path / "c"], tmp_path / "ix") as lib:
        assert lib.update().documents == 0
        assert len(lib) == 0 and list(lib.articles()) == []
        r = lib.search("")
        assert r.total == 0 and r.hits == ()
        assert lib.search("anything~").total == 0
        assert lib.idf("word") == 0.0


def test_disk_full_is_reported_plainly(tmp_path, monkeypatch):
    import errno

    from index import store
    from index.errors import IndexUnwritable

    make_corpus(tmp_path / "c", 2)

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store._Updater, "run", full)
    with Library.open([tmp_path / "c"], tmp_path / "ix") as lib:
        with pytest.raises(IndexUnwritable, match="disk full"):
            lib.update()


def test_an_article_whose_source_was_clean_is_stored_once_and_comes_back_whole(tmp_path):
    """Most JSON articles need no cleaning: their raw text is their body.  The index
    keeps it once, and still gives the raw text back (``reader show --raw``)."""
    import zlib

    from index.schema import pack_article, unpack_article

    folder = tmp_path / "c"
    folder.mkdir()
    text = "The ferry resumed service on Monday.\n\nPassengers queued from dawn."
    rec = {"title": "Ferry resumes", "text": text, "outlet": "Harbour Post"}
    (folder / "a.json").write_text(json.dumps(rec), encoding="utf-8")
    article = load_file(folder / "a.json")[0]
    assert article.raw == article.body == text
    stored = zlib.decompress(pack_article(article)).decode()
    assert stored.count("Passengers queued") == 1
    assert unpack_article(pack_article(article)) == article
    with Library.open([folder], tmp_path / "ix") as lib:
        lib.update()
        assert lib.get(article.id) == article and lib.get(article.id).raw == text
