"""The installed reader in a real terminal (tmux) on the hostile corpus: an article full
of ANSI/OSC sequences (clear screen, colours, title change, OSC 8 link) is shown as
text and never acts on the terminal.

Uses the private tmux server of tests/test_tmux_e2e.py.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from hostile import make_hostile_corpus
from test_tmux_e2e import READER, Tmux, reader_command, reader_env
from test_tmux_e2e import tmux as tmux  # the fixture (a private tmux server)

pytestmark = pytest.mark.tmux

ESC_SYMBOL = "\u241b"  # ␛, what the app shows for ESC


def pane_title(tmux: Tmux) -> str:
    return tmux.run("display-message", "-p", "-t", tmux.session, "#{pane_title}").stdout.strip()


def open_top_hit(tmux: Tmux, query: str) -> str:
    """Type ``query`` on the search screen, open the top hit, return the reading screen."""
    tmux.keys(query, literal=True)
    tmux.wait_for(lambda s: query in s.splitlines()[1], f"{query!r} in the query box")
    time.sleep(1.0)  # the debounce and the search (the old results are still on screen)
    tmux.wait_for(lambda s: " result" in s and "sorted by relevance" in s, f"results for {query!r}")
    tmux.keys("Enter")  # to the result list
    tmux.keys("Enter")  # open the top hit
    return tmux.wait_for(lambda s: "Source:" in s, f"the article found by {query!r}")


def app_intact(screen: str) -> bool:
    """The reading screen's header and footer are both still drawn."""
    lines = [line for line in screen.splitlines() if line.strip()]
    return len(lines) > 10 and "Source:" in screen and "Back" in lines[-1]


def test_escape_sequences_in_an_article_never_reach_the_terminal(tmux: Tmux, tmp_path: Path):
    corpus = tmp_path / "hostile"
    make_hostile_corpus(corpus)
    # Indexed beforehand by the installed CLI: this test is about showing articles (the
    # app's own background indexing is tested in tests/app/test_hostile_app.py).
    index = tmp_path / "ix"
    built = subprocess.run(
        [str(READER), "index", str(corpus), "--index", str(index), "--json"],
        capture_output=True,
        text=True,
        env=reader_env(tmp_path),
        timeout=180,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    tmux.start(reader_command(tmp_path, corpus, "--index", index), width=140, height=40)
    tmux.wait_for(
        lambda s: (
            "Newest articles" in s and not any(w in s for w in ("Indexing", "Scanning", "Saving"))
        ),
        "the search screen on the hostile corpus",
    )
    title = pane_title(tmux)
    assert "pwned" not in title and "another" not in title

    screen = open_top_hit(tmux, "headline")  # only ansi.txt has that word
    assert ESC_SYMBOL + "[31mRed headline" + ESC_SYMBOL + "[0m" in screen
    assert ESC_SYMBOL + "]0;pwned title" in screen  # the title change, as text
    time.sleep(0.5)  # anything the sequences did to the terminal would show by now
    screen = tmux.screen()
    assert app_intact(screen), f"the app was wiped or scrolled away:\n{screen}"
    assert "Screen cleared?" in screen and "Red headline" in screen
    assert pane_title(tmux) == title, "an OSC sequence in the article changed the window title"

    tmux.keys("q")
    tmux.wait_for(lambda s: "Source:" not in s, "the search screen again")
    tmux.keys("/")  # to the query box
    tmux.keys("C-u")  # clear it
    tmux.wait_for(lambda s: "headline" not in s.splitlines()[1], "an empty query box")
    open_top_hit(tmux, "escaped double")  # words only rich_markup.txt has
    screen = tmux.wait_for(
        lambda s: app_intact(s) and "rich_markup.txt" in s, "the markup article, fully drawn"
    )
    assert "Source: hostile/rich_markup.txt" in screen, screen
    assert "[bold red]Breaking[/bold red]" in screen
    assert "[/]" in screen and "[link=https://evil.example/x]click here[/link]" in screen
    assert app_intact(screen) and pane_title(tmux) == title
    assert not tmux.pane_dead()
