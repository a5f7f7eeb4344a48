"""The app on the hostile corpus: every indexed article is found, opened and compared,
and its text is shown as inert data (markup literal, escapes as visible symbols).

The index is built once per module (it is the slow part); each test opens the app on it,
so the app only stats the files.  "Rendered" means the segments Textual's compositor
produces for the terminal, checked for raw control characters one by one.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from pathlib import Path

import pytest
from textual.screen import Screen

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: hostile.py

from hostile import INDEXED, RICH_MARKUP, UNREADABLE, make_hostile_corpus  # noqa: E402

from index.model import Article  # noqa: E402
from index.store import Library  # noqa: E402
from reader.screens.compare import CompareScreen  # noqa: E402
from reader.screens.reading import ReadingScreen  # noqa: E402
from reader.screens.search import SearchScreen  # noqa: E402
from reader.widgets.article import ArticleView, Paragraph  # noqa: E402
from reader.widgets.compare_rows import CompareRow  # noqa: E402
from reader.widgets.results import ResultList  # noqa: E402

SIZE = (120, 40)
# Bidi overrides/isolates reorder what a terminal shows; they must be stand-ins too.
BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def raw_controls(app) -> list[str]:
    """Every control or bidi character in the segments the terminal would be sent."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    bad = []
    for line in update.strips:
        for strip in line:
            for segment in strip:
                if segment.control:
                    continue  # Textual's own cursor moves, not text
                bad += [
                    repr(ch)
                    for ch in segment.text
                    if unicodedata.category(ch) == "Cc" or ch in BIDI
                ]
    return bad


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory):
    """(corpus root, index dir, {file: outcome}), indexed once with a private cache dir."""
    tmp = tmp_path_factory.mktemp("hostile-app").resolve()
    root = tmp / "corpus"
    expected = make_hostile_corpus(root)
    expected[UNREADABLE] = INDEXED  # readable here: the denied read is test_hostile_index's
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("READER_CACHE_DIR", str(tmp / "cache"))
        with Library.open([root], tmp / "ix") as lib:
            lib.update()
    return root, tmp / "ix", expected


def by_file(library, root: Path) -> dict[str, list[Article]]:
    out: dict[str, list[Article]] = {}
    for article in library.articles():
        out.setdefault(os.path.relpath(article.path, root), []).append(article)
    return out


def planted_word(library, article: Article) -> str:
    """The rarest indexed word of the article, as written in it (what a user would type)."""
    schema = library.searcher().schema
    text = (article.title + "\n" + article.body)[:3000]
    words = {
        text[t.startchar : t.endchar]
        for t in schema["body"].analyzer(text, chars=True, mode="index")
        if t.endchar < len(text)  # not a word cut short by the slice
    }
    words = {w for w in words if len(w) >= 3 and any(ch.isalpha() for ch in w)}
    best = max(sorted(words), key=library.idf, default="")
    assert best, f"no searchable word in {article.path!r}"
    return best


async def search(harness, pilot, query: str) -> ResultList:
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    screen.set_query(query)
    await harness.ready(pilot)
    return screen.query_one(ResultList)


async def open_row(harness, pilot, results: ResultList, article_id: str) -> ReadingScreen:
    ids = [h.id for h in results.hits]
    results.focus()
    results.highlighted = ids.index(article_id)
    await pilot.press("enter")
    await harness.ready(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReadingScreen) and screen.article.id == article_id
    return screen


async def settle_on(pilot, kind: type) -> Screen:
    """Wait (briefly) for a screen of ``kind`` to be mounted and painted."""
    for _ in range(200):
        await pilot.pause()
        if isinstance(pilot.app.screen, kind) and pilot.app.screen.is_mounted:
            await pilot.pause()
            return pilot.app.screen
        await pilot.pause(0.01)
    raise AssertionError(f"expected a {kind.__name__}, the screen is {pilot.app.screen!r}")


# Typed into the search box and opened with Enter (the rest are opened by id).
TYPED = (
    "ansi.txt", "rich_markup.txt", "controls.txt", "bidi.txt", "zero_width.txt",
    "cjk_hangul.txt", "emoji.txt", "name_\x1b[31mred\x1b[0m.txt", "mixed.jsonl",
)  # fmt: skip
# Also opened in the CI run (one of each format); the slow run opens every article.
OPENED_IN_CI = TYPED + (
    "atom.xml", "feed_entities.rss", "xxe.rss", "hostile.md", "malformed.html",
    "deep_nesting.html", "utf16be_bom.md", "json_list.json", "nul_bytes.txt",
)  # fmt: skip


@pytest.mark.parametrize("full", [False, pytest.param(True, marks=pytest.mark.slow)])
async def test_every_indexed_article_is_found_opened_and_shown_inert(harness, hostile_index, full):
    """Every article is found by its rarest word.  The CI run opens one article of each
    format (~0.5 s each); the slow run opens all (a 1 MB-line article takes ~6 s)."""
    root, ix, expected = hostile_index
    app = harness.make([root], index_dir=ix)
    async with app.run_test(size=SIZE) as pilot:
        await harness.ready(pilot)
        assert app.library is not None, app.library_error
        files = by_file(app.library, root)
        assert set(files) == {n for n, o in expected.items() if o == INDEXED}
        for name, articles in sorted(files.items()):
            for i, article in enumerate(articles):
                word = planted_word(app.library, article)
                found = app.library.search(word, limit=50)
                assert found.total >= 1, f"{name!r}: nothing found for {word!r}"
                query = word
                if article.id not in [h.id for h in found.hits]:
                    # Same words as other copies of one article: narrow by id to reach it.
                    query = f"{word} id:{article.id}"
                    assert [h.id for h in app.library.search(query).hits] == [article.id]
                if not full and (i > 0 or name not in OPENED_IN_CI):
                    continue
                if name in TYPED:
                    results = await search(harness, pilot, query)
                    if article.id not in [h.id for h in results.hits]:  # below the first page
                        results = await search(harness, pilot, f"{word} id:{article.id}")
                    assert not raw_controls(app), f"result list for {name!r}"
                    await open_row(harness, pilot, results, article.id)
                else:
                    app.open_article(article.id, found.terms, query)
                    screen = await settle_on(pilot, ReadingScreen)
                    assert screen.article.id == article.id
                assert not raw_controls(app), f"reading screen of {name!r}"
                app.pop_screen()
                await settle_on(pilot, SearchScreen)
        await harness.ready(pilot)
        assert not [n for n in app._notifications if n.severity == "error"]


def _open_file(app, root: Path, name: str) -> Article:
    (article,) = by_file(app.library, root)[name]
    return article


async def test_markup_is_literal_and_escapes_are_visible_symbols(harness, hostile_index):
    root, ix, _ = hostile_index
    app = harness.make([root], index_dir=ix)
    async with app.run_test(size=(200, 60)) as pilot:
        await harness.ready(pilot)
        markup = _open_file(app, root, "rich_markup.txt")
        app.open_article(markup.id)
        await harness.ready(pilot)
        view = app.screen.query_one(ArticleView)
        shown = "\n".join(p.shown.plain for p in view.query(Paragraph))
        assert RICH_MARKUP in shown and "Fares [bold]not bold[/bold] today." in shown
        styled = {
            p.shown.plain[s.start : s.end] for p in view.query(Paragraph) for s in p.shown.spans
        }  # entity highlights only: the markup did not style its words
        assert not styled & {"Breaking", "not bold", "click here", "styled?", "quit"}
        screen_text = harness.screen_text(app)
        for literal in ("[bold red]Breaking[/bold red]", "[/]", "[link=https://evil.example/x]"):
            assert literal in screen_text
        await pilot.press("q")

        ansi = _open_file(app, root, "ansi.txt")
        app.open_article(ansi.id)
        await harness.ready(pilot)
        view = app.screen.query_one(ArticleView)
        shown = "\n".join(p.shown.plain for p in view.query(Paragraph))
        assert "\x1b" not in shown and "\x07" not in shown
        assert "\u241b[31mRed headline\u241b[0m" in shown  # ESC as the visible ␛ symbol
        assert "\u241b]0;pwned title" in shown
        screen_text = harness.screen_text(app)
        assert "\u241b[2J\u241b[HScreen cleared?" in screen_text
        assert not raw_controls(app)


PAIRS = [
    ("ansi.txt", "rich_markup.txt"),
    ("controls.txt", "bidi.txt"),
    ("zero_width.txt", "emoji.txt"),
    ("cjk_hangul.txt", "cp1251_cyrillic.txt"),
    ("malformed.html", "hostile.md"),
    ("nul_bytes.txt", "name_\x1b[31mred\x1b[0m.txt"),
    pytest.param("long_line_words.txt", "plain.txt", marks=pytest.mark.slow),  # ~13 s
]


async def computed(pilot) -> CompareScreen:
    for _ in range(600):
        await pilot.pause(0.02)
        screen = pilot.app.screen
        if isinstance(screen, CompareScreen) and screen.comparison is not None:
            return screen
    raise AssertionError(f"no comparison; the screen is {pilot.app.screen!r}")


@pytest.mark.parametrize("left,right", PAIRS)
async def test_two_hostile_articles_compare(harness, hostile_index, left, right):
    root, ix, _ = hostile_index
    app = harness.make([root], index_dir=ix)
    async with app.run_test(size=(160, 45)) as pilot:
        await harness.ready(pilot)
        a, b = _open_file(app, root, left), _open_file(app, root, right)
        app.push_screen(CompareScreen(a, b, library=app.library))
        screen = await computed(pilot)
        rows = list(screen.query(CompareRow))
        assert rows, "the comparison shows no rows"
        assert not raw_controls(app), f"compare {left} / {right}"
        for key in ("right_square_bracket", "end", "home", "s"):  # next difference, scroll, swap
            await pilot.press(key)
            await pilot.pause()
            assert not raw_controls(app)
        assert isinstance(app.screen, Screen) and app.is_running
        if "rich_markup.txt" in (left, right):
            text = " ".join(t for row in rows for t in row.plain)
            assert "[bold red]Breaking[/bold red]" in text and "[/]" in text
        if "ansi.txt" in (left, right):
            text = " ".join(t for row in rows for t in row.plain)
            assert "\x1b" not in text and "\u241b[31mRed headline" in text


# Regression: under Textual sys.stderr has no real fd; starting the indexing worker pool
# once failed with "bad value(s) in fds_to_keep" (any corpus of >= POOL_MIN_FILES files).
async def test_the_app_indexes_the_hostile_corpus_itself(harness, hostile_index):
    """The background indexing of a corpus big enough for worker processes finishes."""
    root, _, expected = hostile_index
    app = harness.make([root])  # its own, empty index dir
    async with app.run_test(size=SIZE) as pilot:
        await harness.ready(pilot, timeout=120)
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert not errors, errors
        assert app.library is not None and app.index_progress is None
        indexed = {n for n, o in expected.items() if o == INDEXED}
        assert set(by_file(app.library, root)) == indexed
