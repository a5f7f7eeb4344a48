"""End to end: the installed ``reader`` in a real terminal (tmux), on a copy of the seeds:
search, read the top hit, compare it with another report of the same story, go back.

A private tmux server (its own socket) runs the app with temp config/cache dirs, so
nothing touches the user's tmux or their reader settings.  Every wait polls
``capture-pane`` with a deadline instead of sleeping a fixed time.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.tmux

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
READER = Path(sys.executable).with_name("reader")


class Tmux:
    """One private tmux server with one session running a command."""

    def __init__(self, socket: str, session: str = "e2e") -> None:
        self.socket = socket
        self.session = session

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=20,
        )

    def start(self, command: str, width: int = 100, height: int = 30) -> None:
        self.run(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            self.session,
            "-x",
            str(width),
            "-y",
            str(height),
            command,
        )
        self.run("set-option", "-t", self.session, "remain-on-exit", "on")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", self.session, *(["-l"] if literal else []), *keys)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session).stdout

    def pane_dead(self) -> bool:
        out = self.run("display-message", "-p", "-t", self.session, "#{pane_dead}", check=False)
        return out.stdout.strip() == "1"

    def wait_for(self, predicate, what: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if predicate(text):
                return text
            if self.pane_dead():
                break
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen shows:\n{text}")

    def kill(self) -> None:
        self.run("kill-server", check=False)


def reader_env(tmp: Path) -> dict[str, str]:
    """A minimal environment with every reader directory (config, cache) under ``tmp``."""
    env = {
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": str(tmp / "home"),
        "XDG_CONFIG_HOME": str(tmp / "config"),
        "XDG_CACHE_HOME": str(tmp / "cache"),
        "READER_CACHE_DIR": str(tmp / "cache" / "reader"),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PAGER": "cat",
    }
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env


def reader_command(tmp: Path, *args: str | Path) -> str:
    """The shell line that runs the installed reader with ``args`` in that environment."""
    line = "env -i " + " ".join(f"{k}={shlex.quote(v)}" for k, v in reader_env(tmp).items())
    return line + " " + " ".join(shlex.quote(str(a)) for a in (READER, *args))


@pytest.fixture
def tmux(tmp_path: Path):
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    if not READER.exists():
        pytest.skip(
            f"the reader script is not installed next to {sys.executable} (pip install -e .)"
        )
    if not SEEDS.is_dir():
        pytest.skip(f"no seed corpus at {SEEDS}")
    server = Tmux(f"reader-e2e-{uuid.uuid4().hex[:8]}")
    yield server
    server.kill()


def test_search_read_and_compare_in_a_real_terminal(tmux: Tmux, tmp_path: Path):
    corpus = tmp_path / "seeds"
    shutil.copytree(SEEDS, corpus)
    tmux.start(reader_command(tmp_path, corpus))

    # The first frame, then the index built in the background lists the newest articles.
    tmux.wait_for(
        lambda s: (
            "Newest articles" in s and not any(w in s for w in ("Indexing", "Scanning", "Saving"))
        ),
        "the search screen with the indexed articles",
    )

    tmux.keys("missile", literal=True)
    # The count may read 0 for a moment while the background corpus pass commits; a
    # user sees the settled list, so wait for it.
    screen = tmux.wait_for(
        lambda s: re.search(r"^\s*[1-9]\d* results? · sorted by relevance", s, re.M) is not None,
        "results for 'missile'",
    )
    first_row = next(line for line in screen.splitlines() if "results" in line)
    assert int(first_row.split()[0]) >= 1

    tmux.keys("Enter")  # to the result list
    tmux.keys("Enter")  # open the top hit
    screen = tmux.wait_for(lambda s: "Source:" in s, "the reading screen")
    assert "n/N to jump" in screen and "missile" in screen.lower()
    assert str(tmp_path) not in screen  # the source is shown relative to its corpus folder
    assert "seeds/" in screen

    # Compare it with another report: the picker offers the same story's articles first.
    tmux.keys("c")
    screen = tmux.wait_for(lambda s: "Compare " in s and " with…" in s, "the partner picker")
    tmux.wait_for(
        lambda s: (
            re.search(r"^\s*\S.*(·|\d{4}-\d\d-\d\d)", s.split("with…", 1)[1], re.M) is not None
        ),
        "candidate partners in the picker",
    )
    tmux.keys("Enter")
    screen = tmux.wait_for(
        lambda s: re.search(r"\d+ shared, \d+ only in A, \d+ only in B", s) is not None,
        "the comparison of the two articles",
    )
    shared = int(re.search(r"(\d+) shared", screen).group(1))
    assert shared >= 1  # two reports of one event share facts, aligned on the same rows
    tmux.keys("q")  # back to the article
    tmux.wait_for(lambda s: "Source:" in s, "the reading screen after the comparison")

    tmux.keys("q")  # back to the results, query kept
    screen = tmux.wait_for(
        lambda s: "Source:" not in s and "missile" in s, "the search screen again"
    )
    tmux.keys("q")  # quit from home (the result list has the focus again)
    deadline = time.monotonic() + 15
    while not tmux.pane_dead() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert tmux.pane_dead(), "q on the home screen did not quit:\n" + tmux.screen()
