"""The reading screen: highlighted query words, match jumps, entities, literal text, back."""

from __future__ import annotations

import json
from pathlib import Path

from rich.text import Text

from index.model import Mention
from reader.screens.reading import ReadingScreen
from reader.screens.search import SearchScreen
from reader.widgets.article import CURRENT_STYLE, MATCH_STYLE, ArticleView, Paragraph
from reader.widgets.entities import EntityPanel
from reader.widgets.results import ResultList


def corpus_with(root: Path, articles: list[dict]) -> Path:
    folder = root / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    for i, article in enumerate(articles):
        (folder / f"{i}.json").write_text(json.dumps(article), encoding="utf-8")
    return folder


RIVER = {
    "title": "River ferry returns after winter",
    "outlet": "Delta Gazette",
    "date": "2024-03-01",
    "text": "The ferry crossed the river at dawn.\n\n"
    + "Nothing else happened on the quay for a long while. " * 30
    + "\n\nLater the ferries were full again.",
}


def _styled_words(text: Text, style) -> list[str]:
    return [text.plain[s.start : s.end] for s in text.spans if s.style == style]


async def _open_first_hit(harness, pilot, query: str) -> ReadingScreen:
    await harness.search(pilot, query)
    await pilot.press("enter", "enter")  # submit the query, open the highlighted hit
    await harness.ready(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReadingScreen)
    return screen


async def test_opening_a_result_shows_the_article_with_query_words_lit(harness):
    app = harness.make([corpus_with(harness.root, [RIVER])])
    async with app.run_test(size=(90, 30)) as pilot:
        await harness.ready(pilot)
        screen = await _open_first_hit(harness, pilot, "ferry")
        view = screen.query_one(ArticleView)
        header = screen.query_one("#article-header").shown.plain
        assert "River ferry returns after winter" in header
        assert "Delta Gazette" in header and "2024-03-01" in header
        paras = list(view.query(Paragraph))
        assert _styled_words(paras[0].shown, MATCH_STYLE) == ["ferry"]
        # The stemmed form in the last paragraph is lit too.
        assert _styled_words(paras[-1].shown, MATCH_STYLE) == ["ferries"]


async def test_n_jumps_between_matches_and_scrolls_to_them(harness):
    app = harness.make([corpus_with(harness.root, [RIVER])])
    async with app.run_test(size=(90, 20)) as pilot:
        await harness.ready(pilot)
        screen = await _open_first_hit(harness, pilot, "ferry")
        view = screen.query_one(ArticleView)
        assert len(view.matches) == 3  # title, first and last paragraph
        await pilot.press("n")
        await pilot.pause()
        assert view.current == view.matches[0]
        await pilot.press("n", "n")
        await pilot.pause(0.1)
        last = list(view.query(Paragraph))[-1]
        assert view.current == view.matches[2]
        assert _styled_words(last.shown, CURRENT_STYLE) == ["ferries"]
        assert view.scroll_y > 0  # the long middle paragraph was scrolled past
        assert last.region.y < screen.size.height  # ...and the match is on screen
        await pilot.press("N")
        assert view.current == view.matches[1]


async def test_back_keeps_query_and_cursor(harness):
    articles = [
        {
            "title": f"Harbour note {i}",
            "outlet": "Port Log",
            "date": f"2024-01-{i + 1:02d}",
            "text": f"Harbour crane number {i} was repaired.",
        }
        for i in range(5)
    ]
    app = harness.make([corpus_with(harness.root, articles)])
    async with app.run_test(size=(90, 30)) as pilot:
        await harness.ready(pilot)
        await harness.search(pilot, "crane")
        await pilot.press("enter", "j", "j")
        results = app.screen.query_one(ResultList)
        chosen = results.current_hit
        assert results.highlighted == 2
        await pilot.press("enter")
        await harness.ready(pilot)
        assert isinstance(app.screen, ReadingScreen)
        assert app.screen.article.id == chosen.id
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_text == "crane"
        assert app.screen.query_one(ResultList).highlighted == 2


async def test_markup_and_escapes_in_article_text_show_literally(harness):
    nasty = {
        "title": "Style guide [bold]not bold[/] and [red]",
        "outlet": "[link=x]Tricky[/link]",
        "date": "2024-02-02",
        "text": "Write [bold]this[/] exactly. An escape \x1b[31mred\x1b[0m stays inert.\n\n[/]",
    }
    app = harness.make([corpus_with(harness.root, [nasty])])
    async with app.run_test(size=(100, 30)) as pilot:
        await harness.ready(pilot)
        await harness.search(pilot, "guide")
        row = app.screen.query_one(ResultList).get_option_at_index(0).prompt.text
        assert "[bold]not bold[/]" in row.plain and "[link=x]Tricky[/link]" in row.plain
        await pilot.press("enter", "enter")
        await harness.ready(pilot)
        view = app.screen.query_one(ArticleView)
        header = view.query_one("#article-header").shown
        assert "Style guide [bold]not bold[/] and [red]" in header.plain
        body = " ".join(p.shown.plain for p in view.query(Paragraph))
        assert "Write [bold]this[/] exactly." in body
        assert "\x1b" not in body and "␛[31mred␛[0m" in body
        svg = app.export_screenshot()
        assert "[bold]this[/]" in svg.replace("&#160;", " ")


def _mentions(article) -> list[Mention]:
    """A stand-in recogniser: every 'Ferrytown' is a place, every 'Ada Quill' a person."""
    out = []
    for i, para in enumerate(article.paragraphs):
        for name, kind in (("Ferrytown", "GPE"), ("Ada Quill", "PERSON")):
            start = para.find(name)
            while start >= 0:
                out.append(Mention(i, start, start + len(name), name, kind, name.lower(), name))
                start = para.find(name, start + 1)
    return out


async def test_entities_are_lit_listed_and_searchable(harness, monkeypatch):
    import index.entities

    monkeypatch.setattr(index.entities, "find_mentions", _mentions)
    articles = [
        {
            "title": "Mayor visits port",
            "outlet": "Delta Gazette",
            "date": "2024-03-02",
            "text": "Ada Quill toured Ferrytown.\n\nFerrytown cheered. Ferrytown slept.",
        },
        {
            "title": "Ferrytown fair",
            "outlet": "Port Log",
            "date": "2024-03-03",
            "text": "The fair in Ferrytown opened.",
        },
    ]
    app = harness.make([corpus_with(harness.root, articles)])
    async with app.run_test(size=(110, 30)) as pilot:
        await harness.ready(pilot)
        screen = await _open_first_hit(harness, pilot, "mayor")
        view = screen.query_one(ArticleView)
        panel = screen.query_one(EntityPanel)
        assert [(e.canonical, e.count) for e in panel.entities] == [
            ("Ferrytown", 3),
            ("Ada Quill", 1),
        ]
        assert screen.query_one("#legend").display
        first = list(view.query(Paragraph))[0].shown
        assert {first.plain[s.start : s.end] for s in first.spans} == {"Ada Quill", "Ferrytown"}
        # Enter on an entity steps through its mentions.
        panel.focus()
        await pilot.press("enter")
        assert view.current is not None and (view.current.paragraph, view.current.start) == (0, 17)
        await pilot.press("enter")
        assert (view.current.paragraph, view.current.start) == (1, 0)
        # e hides the entity colours.
        await pilot.press("e")
        first = list(view.query(Paragraph))[0].shown
        assert not first.spans and not screen.query_one("#legend").display
        # f searches the corpus for the entity.
        await pilot.press("f")
        await pilot.pause(0.2)
        await harness.ready(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_text == 'entity:"Ferrytown"'


async def test_compare_key_never_crashes(harness, monkeypatch):
    app = harness.make([corpus_with(harness.root, [RIVER])])
    async with app.run_test(size=(90, 30)) as pilot:
        await harness.ready(pilot)
        await _open_first_hit(harness, pilot, "ferry")
        await pilot.press("c")
        await pilot.pause(0.2)
        # Either the compare flow took over the screen or the user was told why not.
        moved_on = not isinstance(app.screen, ReadingScreen)
        told = any("ompare" in n.message for n in app._notifications)
        assert moved_on or told


async def test_open_source_without_a_terminal_is_a_notification(harness, monkeypatch):
    monkeypatch.setenv("PAGER", "cat")
    app = harness.make([corpus_with(harness.root, [RIVER])])
    async with app.run_test(size=(90, 30)) as pilot:
        await harness.ready(pilot)
        await _open_first_hit(harness, pilot, "ferry")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        assert any("Could not open" in n.message for n in app._notifications)
