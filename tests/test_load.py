"""Finding article files and reading them: walking, limits, decoding, the real corpora."""

from __future__ import annotations

import codecs
import errno
import json
import os
from pathlib import Path

import pytest

import index.load as load
from index.decode import binary_kind, decode
from index.load import (
    LoadError,
    RecordSkipped,
    ScanStats,
    iter_files,
    read_documents,
    read_file,
)
from index.model import Article, Skipped
from index.pipeline import iter_file_results, load_articles, load_file, load_file_report

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"

STORY = (
    "Lighthouse keepers return to Skerry Point\n\n"
    "The northern lighthouse at Skerry Point will be staffed again from April, the coastal "
    "trust said, ending twelve years of automatic operation.\n\n"
    "Two keepers will live on the rock in shifts of a fortnight.\n"
)


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def files(paths, stats=None) -> list[Path]:
    return [p for p in iter_files(paths, stats=stats) if isinstance(p, Path)]


# --- walking ---------------------------------------------------------------------------


def test_walk_yields_absolute_resolved_article_files_in_stable_order(tmp_path, monkeypatch):
    write(tmp_path / "b.txt", STORY)
    write(tmp_path / "a.md", "# T\n\nbody")
    write(tmp_path / "sub" / "c.json", '{"text": "x"}')
    monkeypatch.chdir(tmp_path)
    found = files(["."])
    assert [p.name for p in found] == ["a.md", "b.txt", "c.json"]
    assert all(p.is_absolute() and p == p.resolve() for p in found)


def test_hidden_folders_index_folders_and_other_formats_are_not_read(tmp_path):
    write(tmp_path / "keep.txt", STORY)
    write(tmp_path / ".git" / "HEAD.txt", STORY)
    write(tmp_path / ".draft.txt", STORY)
    write(tmp_path / "idx" / ".reader-index", "")
    write(tmp_path / "idx" / "doc.txt", STORY)
    write(tmp_path / "whoosh" / "_MAIN_3.toc", b"\x00")
    write(tmp_path / "whoosh" / "doc.txt", STORY)
    write(tmp_path / "scan.pdf", b"%PDF-1.4")
    write(tmp_path / "photo.PNG", b"\x89PNG")
    write(tmp_path / "README.md", "# About this folder")
    stats = ScanStats()
    items = list(iter_files([tmp_path], stats=stats))
    assert [Path(p).name for p in items] == ["keep.txt"]  # no Skipped noise either
    assert stats.found == 1
    assert stats.hidden == 2 and stats.index_folders == 2
    assert stats.ignored[".pdf"] == 1 and stats.ignored[".png"] == 1
    assert "ignored 3 other files" in stats.summary()


def test_index_folder_given_directly_is_reported(tmp_path):
    write(tmp_path / ".reader-index", "")
    items = list(iter_files([tmp_path]))
    assert len(items) == 1 and isinstance(items[0], Skipped)
    assert "index folder" in items[0].reason


def test_explicit_paths_missing_or_unknown_format_are_skipped_with_reason(tmp_path):
    pdf = write(tmp_path / "report.pdf", b"%PDF-1.4")
    items = list(iter_files([tmp_path / "nope", pdf]))
    assert [i.reason for i in items] == ["no such file or folder", "not an article format (.pdf)"]
    assert all(os.path.isabs(i.path) for i in items)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loops_terminate_and_each_real_file_is_yielded_once(tmp_path):
    write(tmp_path / "a" / "story.txt", STORY)
    os.symlink("..", tmp_path / "a" / "up")  # a/up/a/up/... forever
    os.symlink(tmp_path / "a", tmp_path / "again")  # same folder twice
    os.symlink("story.txt", tmp_path / "a" / "alias.txt")  # same file twice
    os.symlink("self.txt", tmp_path / "self.txt")
    os.symlink("missing.txt", tmp_path / "gone.txt")
    items = list(iter_files([tmp_path, tmp_path / "a"]))
    paths = [i for i in items if isinstance(i, Path)]
    assert paths == [(tmp_path / "a" / "story.txt").resolve()]
    reasons = {Path(i.path).name: i.reason for i in items if isinstance(i, Skipped)}
    assert reasons == {
        "self.txt": "symbolic link loop",
        "gone.txt": "broken symbolic link (its target is missing)",
    }


def test_a_folder_named_like_a_file_is_walked(tmp_path):
    write(tmp_path / "archive.txt" / "inner.txt", STORY)
    assert files([tmp_path]) == [(tmp_path / "archive.txt" / "inner.txt").resolve()]
    assert files([tmp_path / "archive.txt"]) == [(tmp_path / "archive.txt" / "inner.txt").resolve()]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_with_article_suffix_does_not_block(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (item,) = list(iter_files([tmp_path]))
    assert item.reason == "not a regular file (named pipe)"
    with pytest.raises(LoadError, match="named pipe"):
        read_file(tmp_path / "pipe.txt")


# --- reading: limits and errors ------------------------------------------------------------


def test_empty_file(tmp_path):
    with pytest.raises(LoadError, match="^empty file$"):
        read_file(write(tmp_path / "e.txt", b""))


def test_too_large_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    big = write(tmp_path / "big.txt", b"word " * 300_000)  # 1.5 MB (MiB)
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 1024 * 1024)
    reads: list[int] = []
    real = load.open_source

    class Spy:
        def __init__(self, path):
            self.fh = real(path)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def fileno(self):
            return self.fh.fileno()

        def read(self, n=-1):
            reads.append(n)
            return self.fh.read(n)

    monkeypatch.setattr(load, "open_source", Spy)
    result = load_file(big)
    assert isinstance(result, Skipped)
    assert result.reason == "too large (1.4 MB; limit 1 MB)"
    assert reads == []  # sized with fstat, never read


def test_too_large_reason_format_at_default_limit(tmp_path, monkeypatch):
    assert load.MAX_FILE_BYTES == 20 * 1024 * 1024
    assert load._too_large(50 * 1024 * 1024) == "too large (50.0 MB; limit 20 MB)"


def test_permission_denied_is_a_clear_skip(tmp_path, monkeypatch):
    path = write(tmp_path / "locked.txt", STORY)

    def deny(p):
        raise PermissionError(errno.EACCES, "Permission denied", str(p))

    monkeypatch.setattr(load, "open_source", deny)
    assert load_file(path) == Skipped(str(path), "cannot read: permission denied")


def test_source_files_are_opened_read_only(tmp_path, monkeypatch):
    path = write(tmp_path / "s.txt", STORY)
    flags_seen = []
    real_open = os.open

    def spy(p, flags, *args):
        flags_seen.append(flags)
        return real_open(p, flags, *args)

    monkeypatch.setattr(os, "open", spy)
    before = path.stat().st_mtime_ns
    read_documents(path)
    assert flags_seen and all(
        f & (os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_TRUNC) == 0 for f in flags_seen
    )
    assert path.stat().st_mtime_ns == before


def test_unexpected_parser_error_becomes_an_internal_error_skip(tmp_path, monkeypatch):
    path = write(tmp_path / "s.txt", STORY)

    def boom(name, text):
        raise KeyError("parser bug")

    monkeypatch.setitem(load._PARSERS, "txt", boom)
    result = load_file(path)
    assert isinstance(result, Skipped) and result.reason.startswith("internal error while reading")


# --- decoding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bom, codec",
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_bom_decides_the_encoding(tmp_path, bom, codec):
    text = "Ärger über Brücken — naïve café 港 🚢\n\nSecond paragraph."
    (doc,) = read_documents(write(tmp_path / "b.txt", bom + text.encode(codec)))
    assert doc.text == text


def test_utf16_without_bom_is_recognised():
    assert decode(STORY.encode("utf-16-le")).text == STORY
    assert decode(STORY.encode("utf-16-be")).text == STORY


def test_cp1252_smart_quotes_and_euro():
    text = "\u201cQuoted\u201d \u2014 it\u2019s \u20ac5 for caf\u00e9s\u2026"
    decoded = decode(text.encode("cp1252"))
    assert decoded.text == text and decoded.encoding == "cp1252"


def test_cp1252_undefined_bytes_do_not_fail():
    assert decode(b"A\x81B\x8dC").text == "A\ufffdB\ufffdC"


def test_utf8_with_stray_bytes_keeps_the_utf8_and_reads_strays_as_cp1252():
    data = "naïve résumé ".encode() + b"\x93quoted\x94 caf\xe9"
    decoded = decode(data)
    assert decoded.text == "naïve résumé \u201cquoted\u201d café"


def test_legacy_cyrillic_is_detected_not_read_as_cp1252():
    text = "Совет гавани проголосовал за пробный запуск ночных паромов между двумя причалами."
    assert decode(text.encode("cp1251")).text == text


def test_declared_charset_is_used_for_html(tmp_path):
    body = "Совет гавани проголосовал за пробный запуск ночных паромов, сообщили в мэрии города."
    page = (
        b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r"></head>'
        b"<body><p>" + body.encode("koi8-r") + b"</p></body></html>"
    )
    (doc,) = read_documents(write(tmp_path / "p.html", page))
    assert body in doc.text


def test_stray_nuls_are_removed_but_nul_heavy_files_are_binary(tmp_path):
    (doc,) = read_documents(
        write(tmp_path / "n.txt", b"Fer\x00ries at\x00 night\n\nMore text.\x00")
    )
    assert "\x00" not in doc.text and "\u2400" not in doc.text and "Ferries at night" in doc.text
    with pytest.raises(LoadError, match=r"binary file \(not text\)"):
        read_file(write(tmp_path / "z.txt", b"ab\x00\x00\x00cd\x00\x00" * 500))


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
        (b"%PDF-1.7\n", "PDF document"),
        (b"PK\x03\x04\x14\x00", "ZIP archive (or .docx/.epub)"),
        (bytes(range(256)) * 8, "binary data"),
        (b"\x00" * 100, "only NUL bytes"),
    ],
)
def test_binary_detection(data, kind):
    assert binary_kind(data) == kind


@pytest.mark.parametrize(
    "text",
    [STORY, "\x1b[31mred\x1b[0m text with escapes\x07 and tabs\t" * 50, "港の議会は火曜日 " * 300],
)
def test_text_is_not_mistaken_for_binary(text):
    assert binary_kind(text.encode()) is None


def test_one_megabyte_line_loads(tmp_path):
    line = ("pier " * 210_000)[: 1 << 20]
    (doc,) = read_documents(write(tmp_path / "l.txt", "Long line\n\n" + line))
    assert len(doc.text) > 1_000_000


# --- pipeline ------------------------------------------------------------------------------


def test_record_skips_are_reported_alongside_the_articles(tmp_path):
    path = write(
        tmp_path / "feed.jsonl",
        '{"id": "a", "text": "First body."}\n{"id": "b", "text": "Second body."}\n{"id": "c", "te',
    )
    report = load_file_report(path)
    assert [a.source_id for a in report.articles] == ["a", "b"]
    (skip,) = report.skipped
    assert isinstance(skip, RecordSkipped) and skip.record == "line 3"
    assert skip.reason.startswith("line 3: truncated or invalid JSON")
    items = list(load_articles([tmp_path]))
    assert sum(isinstance(i, Article) for i in items) == 2
    assert [i.reason for i in items if isinstance(i, Skipped)] == [skip.reason]
    assert isinstance(load_file(path), list)  # the plain contract still returns the articles


def test_iter_file_results_gives_one_result_per_file(tmp_path):
    write(tmp_path / "ok.txt", STORY)
    write(tmp_path / "empty.md", b"")
    results = {Path(r.path).name: r for r in iter_file_results([tmp_path])}
    assert results["ok.txt"].ok and not results["empty.md"].ok
    assert results["empty.md"].skipped[0].reason == "empty file"


def test_metadata_is_made_inert_and_single_line(tmp_path):
    path = write(
        tmp_path / "m.json",
        '{"title": "Bad\\u001b[2J title\\nsecond line", "text": "Body \\u202e text", "outlet": "  Out\\tlet "}',
    )
    (doc,) = read_documents(path)
    assert doc.title == "Bad\u241b[2J title second line"
    assert doc.outlet == "Out let"
    assert doc.text == "Body <U+202E> text"


# --- the real corpora (third-party text, read from ../shared, never copied) ------------


needs_shared = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared corpus not available")


@needs_shared
def test_all_fnc1_bodies_load():
    loaded = read_file(CORPUS / "fnc1" / "bodies.jsonl")
    assert len(loaded.documents) == 904 and loaded.skipped == []
    ids = [d.source_id for d in loaded.documents]
    assert len(set(ids)) == 904 and all(d.text.strip() for d in loaded.documents)
    assert all(d.format == "jsonl" and d.title is None for d in loaded.documents)


@needs_shared
def test_all_basil_articles_load_with_outlet_date_url():
    paths = files([CORPUS / "basil"])
    assert len(paths) == 300
    for path in paths:
        (doc,) = read_documents(path)
        record = json.loads(path.read_text(encoding="utf-8"))
        assert (doc.outlet, doc.date, doc.url) == (record["outlet"], record["date"], record["url"])
        assert doc.title == (" ".join(record["title"].split()) or None)
        assert doc.source_id == record["id"] and doc.path == str(path)
        assert doc.text.split() == record["text"].split()


@needs_shared
def test_seeds_load_as_text_unchanged():
    paths = files([CORPUS / "seeds"])
    assert len(paths) == 5
    for path in paths:
        (doc,) = read_documents(path)
        assert doc.format == "txt"
        assert doc.text == path.read_text(encoding="utf-8").replace("\r\n", "\n")


@needs_shared
def test_whole_shared_corpus_walk_skips_the_dataset_readme():
    stats = ScanStats()
    items = list(iter_files([CORPUS], stats=stats))
    assert all(isinstance(i, Path) for i in items)
    assert len(items) == 5 + 300 + 1 and stats.ignored == {"readme.md": 1}


def test_every_bundled_demo_article_names_its_outlet_and_date(tmp_path):
    """A newcomer's first screen: each demo row shows who reported it and when (the
    weekday-only one borrows its date from related coverage)."""
    from index.store import Library
    from reader.corpus import demo_corpus

    with Library.open([demo_corpus()], tmp_path / "ix") as lib:
        lib.update()
        hits = lib.search("", limit=50).hits
    assert len(hits) >= 5
    for h in hits:
        assert h.title and h.outlet and h.date, (h.path, h.title, h.outlet, h.date)
