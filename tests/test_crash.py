"""Crash safety: kill -9 mid-build leaves a usable index and no lock to delete by hand."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_store_helpers import (
    isolated_cache,  # noqa: F401  (autouse: keeps the user's cache dir untouched)
    make_corpus,
)

from index.errors import IndexLocked
from index.locking import UpdateLock, is_locked
from index.store import Library

N_FILES = 160


def _reader_cmd() -> list[str]:
    script = Path(sys.executable).with_name("reader")
    return [str(script)] if script.exists() else [sys.executable, "-m", "reader"]


def _count(corpus: Path, ix: Path) -> int:
    try:
        with Library.open([corpus], ix, readonly=True) as lib:
            return len(lib)
    except Exception:  # noqa: BLE001 - not created yet / mid-creation
        return 0


@pytest.mark.parametrize("step", ["reading", "writing"])
def test_kill_9_mid_build_then_resume(tmp_path, step):
    """A first build reads every file (spooling documents), then writes them: killed in
    either step, what was committed stays searchable and the next run finishes."""
    corpus, ix = tmp_path / "corpus", tmp_path / "ix"
    make_corpus(corpus, N_FILES)
    env = {**os.environ, "READER_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [*_reader_cmd(), "index", str(corpus), "--index", str(ix), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )

    def running() -> bool:
        if step == "reading":
            return not list(ix.rglob(".seg-*.docs"))
        return _count(corpus, ix) == 0

    deadline = time.monotonic() + 120
    while running() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if proc.poll() is not None:
        pytest.skip("the build finished before it could be interrupted")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    # its worker processes notice and exit too (none left holding memory)
    deadline = time.monotonic() + 15
    while _processes_using(ix) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_using(ix) == []

    # The last committed state is searchable, read-only, right away.
    partial = _count(corpus, ix)
    assert (0 < partial < N_FILES) if step == "writing" else partial == 0
    with Library.open([corpus], ix, readonly=True) as lib:
        assert lib.search("ferry").total <= partial
    assert not is_locked(ix / "update.lock")  # the kernel released the dead process' lock

    # A new run needs no manual cleanup and finishes the job without duplicates.
    out = subprocess.run(
        [*_reader_cmd(), "index", str(corpus), "--index", str(ix), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["documents"] == N_FILES
    assert report["added"] + report["unchanged"] + report["updated"] == N_FILES
    with Library.open([corpus], ix, readonly=True) as lib:
        assert lib.search("ferry", limit=N_FILES).total == N_FILES // 5
    assert not list(ix.rglob(".seg-*"))  # worker leftovers removed


def test_a_live_updater_blocks_a_second_one_with_its_pid(tmp_path):
    corpus = tmp_path / "c"
    make_corpus(corpus, 3)
    with Library.open([corpus], tmp_path / "ix") as lib:
        lib.update()
        with UpdateLock(lib.index_dir / "update.lock"):
            assert is_locked(lib.index_dir / "update.lock")
            with pytest.raises(IndexLocked, match=str(os.getpid())):
                lib.update()
        assert lib.update().unchanged == 3  # released: works again


def test_stale_whoosh_write_lock_file_does_not_block(tmp_path):
    corpus = tmp_path / "c"
    make_corpus(corpus, 3)
    with Library.open([corpus], tmp_path / "ix") as lib:
        lib.update()
        # what a killed writer leaves behind: the lock file, but no lock held on it
        (lib._gen_dir / "MAIN_WRITELOCK").write_text("")
        (lib.index_dir / "update.lock").write_text("999999")
        make_corpus(corpus, 4)
        assert lib.update().added == 1


def test_a_searcher_keeps_working_while_another_process_indexes(tmp_path):
    corpus, ix = tmp_path / "corpus", tmp_path / "ix"
    make_corpus(corpus, N_FILES)
    env = {**os.environ, "READER_CACHE_DIR": str(tmp_path / "cache")}
    Library.open([corpus], ix).close()  # an empty index exists before the writer starts
    reader_side = Library.open([corpus], ix, readonly=True)
    proc = subprocess.Popen(
        [*_reader_cmd(), "index", str(corpus), "--index", str(ix), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    seen = []
    while proc.poll() is None:
        seen.append(reader_side.search("ferry", limit=5).total)  # never raises mid-commit
        time.sleep(0.02)
    assert proc.wait() == 0
    assert seen == sorted(seen)  # results only ever grow during a first build
    assert reader_side.search("ferry").total == N_FILES // 5 and len(reader_side) == N_FILES
    reader_side.close()


def _processes_using(ix) -> list[int]:
    """Live processes whose command line names the index directory (the indexer forks
    its workers, so they carry its arguments)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            state = (entry / "stat").read_text().split(") ", 1)[1][:1]
        except OSError:
            continue
        if str(ix).encode() in cmdline and state != "Z":
            found.append(int(entry.name))
    return found
