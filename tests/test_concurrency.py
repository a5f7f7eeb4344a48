"""Two processes on one index, and an index that cannot be written.

tests/test_crash.py already covers kill -9 mid-build, a live updater blocking a
second one, stale lock files, and searching during a *first* build.  Here: searching
while another process *updates* a built index (adds and rewrites files), and a
read-only index directory (simulated: tests run as root, which ignores permissions).
"""

from __future__ import annotations

import builtins
import errno
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_store_helpers import (
    isolated_cache,  # noqa: F401  (autouse: keeps the user's cache dir untouched)
    make_corpus,
)

from index.errors import IndexUnwritable
from index.store import Library

N_OLD = 60  # make_corpus: every fifth article is about a ferry
N_NEW = 40
N_REWRITTEN = 6


def _reader_cmd() -> list[str]:
    script = Path(sys.executable).with_name("reader")
    return [str(script)] if script.exists() else [sys.executable, "-m", "reader"]


def _lighthouse(i: int) -> str:
    return (
        f"Lighthouse keepers of Ostrand, report {i}\n\n"
        "The old lighthouse on the northern cape was relit on Friday after repairs.\n\n"
        "Keepers said the lamp could be seen from the islands again.\n"
    )


def test_a_searcher_sees_another_process_update_without_errors(tmp_path):
    corpus, ix = tmp_path / "corpus", tmp_path / "ix"
    old = make_corpus(corpus, N_OLD)
    with Library.open([corpus], ix) as lib:
        assert lib.update().documents == N_OLD
    searcher = Library.open([corpus], ix, readonly=True)
    ferries = searcher.search("ferry", limit=100).total
    assert ferries == N_OLD // 5 and searcher.search("lighthouse").total == 0

    # New files, and ferry articles rewritten to mention the lighthouse too.
    for i in range(N_NEW):
        (corpus / f"new_{i:03d}.txt").write_text(_lighthouse(i), encoding="utf-8")
    rewritten = [p for p in old if "ferry" in p.read_text(encoding="utf-8")][:N_REWRITTEN]
    for path in rewritten:
        path.write_text(
            path.read_text(encoding="utf-8").replace("ferry schedule", "ferry and lighthouse plan"),
            encoding="utf-8",
        )
    env = {**os.environ, "READER_CACHE_DIR": str(tmp_path / "cache")}
    writer = subprocess.Popen(
        [*_reader_cmd(), "index", str(corpus), "--index", str(ix), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    seen_ferry, seen_lighthouse, sizes = [], [], []
    try:
        while writer.poll() is None:  # every search must answer while commits land
            seen_ferry.append(searcher.search("ferry", limit=100).total)
            seen_lighthouse.append(searcher.search("lighthouse", limit=5).total)
            sizes.append(len(searcher))
            time.sleep(0.01)
        out, err = writer.communicate(timeout=60)
    finally:
        if writer.poll() is None:
            writer.kill()
    assert writer.returncode == 0, err.decode(errors="replace")[-2000:]
    assert seen_ferry, "the writer finished before a single search ran"
    # A rewritten article is replaced in one commit: never missing, never twice.
    assert set(seen_ferry) == {ferries}
    assert seen_lighthouse == sorted(seen_lighthouse) and sizes == sorted(sizes)
    # After the commit, this long-lived searcher sees everything without reopening.
    assert searcher.search("lighthouse", limit=100).total == N_NEW + N_REWRITTEN
    assert len(searcher) == N_OLD + N_NEW
    hit = searcher.search('"relit on Friday"', limit=1).hits[0]
    assert searcher.get(hit.id).title.startswith("Lighthouse keepers of Ostrand")
    searcher.close()


@contextmanager
def readonly_filesystem(directory: Path) -> Iterator[list[str]]:
    """Every attempt to create, change or remove something under ``directory`` fails
    with EROFS, as on a read-only mount; yields the list of refused operations."""
    directory = directory.resolve()
    refused: list[str] = []

    def inside(path) -> bool:
        try:
            return Path(os.fsdecode(path)).resolve().is_relative_to(directory)
        except (TypeError, ValueError, OSError):
            return False

    def refuse(what: str, path) -> None:
        refused.append(f"{what} {path}")
        raise OSError(errno.EROFS, "Read-only file system", os.fsdecode(path))

    real_open, real_os_open = builtins.open, os.open
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

    def guarded_open(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)) and inside(file):
            if any(c in mode for c in "wax+"):
                refuse("open", file)
        return real_open(file, mode, *args, **kwargs)

    def guarded_os_open(path, flags, *args, **kwargs):
        if flags & write_flags and inside(path):
            refuse("os.open", path)
        return real_os_open(path, flags, *args, **kwargs)

    def guard(name: str, module=os, arity: int = 1):
        real = getattr(module, name)

        def wrapper(*args, **kwargs):
            for path in args[:arity]:
                if inside(path):
                    refuse(name, path)
            return real(*args, **kwargs)

        return wrapper

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(builtins, "open", guarded_open)
        mp.setattr(os, "open", guarded_os_open)
        for name, arity in (("mkdir", 1), ("remove", 1), ("unlink", 1), ("rmdir", 1)):
            mp.setattr(os, name, guard(name, arity=arity))
        for name in ("rename", "replace"):
            mp.setattr(os, name, guard(name, arity=2))
        mp.setattr(shutil, "rmtree", guard("rmtree", module=shutil))
        yield refused


@pytest.fixture
def built(tmp_path):
    corpus, ix = tmp_path / "corpus", tmp_path / "ix"
    make_corpus(corpus, 10)
    with Library.open([corpus], ix) as lib:
        lib.update()
    make_corpus(corpus, 12)  # two more files the index does not hold yet
    return corpus, ix


def test_an_update_on_a_read_only_index_is_a_clear_error_and_search_still_works(built):
    corpus, ix = built
    with readonly_filesystem(ix) as refused:
        with Library.open([corpus], ix) as lib:
            assert lib.needs_update()
            with pytest.raises(IndexUnwritable) as caught:
                lib.update()
            message = str(caught.value)
            assert "cannot write the index" in message and "Read-only file system" in message
            assert "\n" not in message and "read-only" in message  # says what to do instead
            assert lib.search("ferry").total == 2 and len(lib) == 10  # still searchable
        with Library.open([corpus], ix, readonly=True) as lib:
            assert lib.search("ferry").total == 2
        assert refused, "the simulation never refused a write: it tested nothing"


def test_reader_index_on_a_read_only_index_exits_2_with_one_line(built):
    from reader.cli import cli

    corpus, ix = built
    runner = CliRunner()
    with readonly_filesystem(ix):
        result = runner.invoke(cli, ["index", str(corpus), "--index", str(ix)])
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "cannot write the index" in result.output
        assert "Traceback" not in result.output
        found = runner.invoke(cli, ["search", "ferry", "--corpus", str(corpus), "--index", str(ix)])
    assert found.exit_code == 0, found.output
    assert "ferry" in found.output.lower()
