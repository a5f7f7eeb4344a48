"""``reader index`` over the hostile corpus: it finishes, says why each file was skipped,
indexes everything else, and never writes to a source file.

The installed script runs in a subprocess with its cache/config dirs and its index in
tmp, the way a user runs it.  Tests run as root in CI, which reads anything: there the
"unreadable" file is readable and so indexed; as a normal user it is chmod 000 and
must be skipped.  The denied-read reason is checked in process with ``denied_reads``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import (
    ARTICLE,
    INDEXED,
    REASONS,
    SKIPPED,
    UNREADABLE,
    denied_reads,
    make_hostile_corpus,
    snapshot,
)
from test_store_helpers import isolated_cache  # noqa: F401  (autouse: temp cache dir)

from index.model import Article
from index.pipeline import load_articles
from index.store import Library

READER = Path(sys.executable).with_name("reader")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def reader_env(tmp: Path) -> dict[str, str]:
    """The user's environment with every reader directory moved into ``tmp``."""
    return {
        **os.environ,
        "XDG_CACHE_HOME": str(tmp / "xdg-cache"),
        "XDG_CONFIG_HOME": str(tmp / "xdg-config"),
        "READER_CACHE_DIR": str(tmp / "reader-cache"),
        "COLUMNS": "400",  # one table row per skipped file, nothing folded
        "LC_ALL": "C.UTF-8",
    }


def run_reader(tmp: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    if not READER.exists():
        pytest.skip(f"the reader script is not installed next to {sys.executable}")
    return subprocess.run(
        [str(READER), *args],
        capture_output=True,
        text=True,
        errors="surrogateescape",
        env=reader_env(tmp),
        timeout=timeout,
    )


def hostile_corpus(root: Path) -> dict[str, str]:
    """The hostile corpus; outcomes adjusted for who runs the tests (see the module doc)."""
    expected = make_hostile_corpus(root)
    if IS_ROOT:  # root reads a chmod 000 file anyway
        expected[UNREADABLE] = INDEXED
    return expected


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """Index the corpus twice (text output, then --json on the unchanged corpus)."""
    tmp = tmp_path_factory.mktemp("hostile-index").resolve()
    root = tmp / "corpus"
    expected = hostile_corpus(root)
    before = snapshot(root)
    os.chmod(root / UNREADABLE, 0)  # chmod keeps bytes and mtime: the snapshots still agree
    try:
        text_run = run_reader(tmp, "index", str(root), "--index", str(tmp / "ix"))
        json_run = run_reader(tmp, "index", str(root), "--index", str(tmp / "ix"), "--json")
    finally:
        os.chmod(root / UNREADABLE, 0o644)
    after = snapshot(root)
    return root, tmp / "ix", expected, text_run, json_run, before, after


def _rel(root: Path, path: str) -> str:
    return os.path.relpath(path, root)


def test_index_finishes_with_exit_0_and_no_traceback(indexed):
    *_, text_run, json_run, _, _ = indexed
    for run in (text_run, json_run):
        assert run.returncode == 0, run.stderr[-3000:]
        assert "Traceback" not in run.stderr + run.stdout


def test_every_skipped_file_is_listed_with_its_reason(indexed):
    root, _, expected, text_run, json_run, _, _ = indexed
    assert text_run.returncode == 0, text_run.stderr[-3000:]
    report = json.loads(json_run.stdout)
    skipped = {_rel(root, s["path"]): s["reason"] for s in report["skipped"]}
    should_skip = {name for name, outcome in expected.items() if outcome == SKIPPED}
    assert set(skipped) == should_skip
    for name in should_skip:
        assert REASONS[name] in skipped[name], f"{name!r}: {skipped[name]!r}"
        # The text report has one row per skipped file: its path, then its reason.
        row = next((line for line in text_run.stdout.splitlines() if str(root / name) in line), "")
        assert row, f"{name!r} is missing from the text report:\n{text_run.stdout}"
        assert " ".join(skipped[name].split()) in " ".join(row.split())


def test_the_reports_are_inert_text(indexed):
    *_, text_run, json_run, _, _ = indexed
    for out in (text_run.stdout, text_run.stderr, json_run.stdout):
        assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out


def test_every_other_file_is_indexed_once(indexed):
    root, ix, expected, _, json_run, _, _ = indexed
    report = json.loads(json_run.stdout)
    # What the loader makes of the same files in this process (same permissions).
    loaded = [a for a in load_articles([root]) if isinstance(a, Article)]
    assert report["documents"] == len(loaded) == len({a.id for a in loaded})
    assert report["unchanged"] == report["documents"]  # the second run re-read nothing
    assert report["added"] == report["updated"] == report["removed"] == 0
    with Library.open([root], ix, readonly=True) as lib:
        stored = list(lib.articles())
    assert sorted(a.id for a in stored) == sorted(a.id for a in loaded)
    files = {_rel(root, a.path) for a in stored}
    assert files == {name for name, outcome in expected.items() if outcome == INDEXED}


def test_no_source_file_was_written(indexed):
    *_, before, after = indexed
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"files changed, appeared or vanished: {changed}"


def test_a_denied_read_is_skipped_with_its_reason(tmp_path):
    """What a normal user sees for a chmod 000 file (simulated: tests may run as root)."""
    root = tmp_path / "corpus"
    root.mkdir()
    for name in ("plain.txt", UNREADABLE, "other.txt"):
        (root / name).write_text(ARTICLE, encoding="utf-8")
    with denied_reads(), Library.open([root], tmp_path / "ix") as lib:
        report = lib.update()
    reasons = {_rel(root, s.path): s.reason for s in report.skipped}
    assert REASONS[UNREADABLE] in reasons.pop(UNREADABLE)
    assert not reasons and report.documents == 2
