"""The search screen: typing shows ranked, highlighted results; facets, sort, suggestions."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.geometry import Region

from reader.screens.search import SearchScreen
from reader.widgets.facets import FacetPanel
from reader.widgets.results import ResultList


def _rows(app) -> list[str]:
    results = app.screen.query_one(ResultList)
    return [h.title for h in results.hits]


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def small_corpus(root: Path) -> Path:
    """Invented articles: two outlets, two dates, words with clear ranking."""
    corpus = root / "corpus"
    _write(
        corpus,
        "a.json",
        '{"title": "Glacier bridge opens to walkers", "outlet": "Valley Courier", "date": "2024-05-02",'
        ' "text": "The glacier bridge opened on Thursday. Walkers crossed the glacier bridge in fog."}',
    )
    _write(
        corpus,
        "b.json",
        '{"title": "Council debates parking fees", "outlet": "Town Herald", "date": "2024-06-10",'
        ' "text": "The council argued about parking fees near the glacier viewpoint for two hours."}',
    )
    _write(
        corpus,
        "c.json",
        '{"title": "Bakery wins regional prize", "outlet": "Town Herald", "date": "2024-07-01",'
        ' "text": "A family bakery won the regional bread prize with a rye loaf."}',
    )
    return corpus


async def test_typing_shows_ranked_results_as_posted_messages(harness):
    ready: list[SearchScreen.ResultsReady] = []

    def hook(message):
        if isinstance(message, SearchScreen.ResultsReady):
            ready.append(message)

    app = harness.make([small_corpus(harness.root)])
    async with app.run_test(size=(100, 30), message_hook=hook) as pilot:
        await harness.ready(pilot)
        await harness.search(pilot, "glacier")
        assert ready and ready[-1].request.query == "glacier"
        # Both glacier articles, the one that says it three times first; the bakery is absent.
        assert _rows(app) == ["Glacier bridge opens to walkers", "Council debates parking fees"]
        summary = str(app.screen.query_one("#summary").render())
        assert "2 results" in summary
        # The snippet row highlights the matched word.
        prompt = app.screen.query_one(ResultList).get_option_at_index(0).prompt.text
        assert isinstance(prompt, Text)
        lit = {
            prompt.plain[s.start : s.end].lower() for s in prompt.spans if "reverse" in str(s.style)
        }
        assert lit == {"glacier"}


async def test_typing_fast_only_shows_the_last_query(harness):
    answered: dict[int, str] = {}  # seq -> query (the hook sees a message once per pump)

    def hook(message):
        if isinstance(message, SearchScreen.ResultsReady):
            answered[message.seq] = message.request.query

    app = harness.make([small_corpus(harness.root)])
    async with app.run_test(size=(100, 30), message_hook=hook) as pilot:
        await harness.ready(pilot)
        answered.clear()
        await pilot.press(*"bakery")  # six keystrokes inside one debounce window
        await pilot.pause(0.3)
        await harness.ready(pilot)
        assert list(answered.values()) == ["bakery"]
        assert _rows(app) == ["Bakery wins regional prize"]


async def test_empty_query_lists_newest_first_with_syntax_hint(harness):
    app = harness.make([small_corpus(harness.root)])
    async with app.run_test(size=(100, 30)) as pilot:
        await harness.ready(pilot)
        assert _rows(app) == [
            "Bakery wins regional prize",
            "Council debates parking fees",
            "Glacier bridge opens to walkers",
        ]
        hint = app.screen.query_one("#hint")
        assert hint.display and "outlet:" in str(hint.render())


async def test_no_results_tells_the_user_what_to_do(harness):
    app = harness.make([small_corpus(harness.root)])
    async with app.run_test(size=(100, 30)) as pilot:
        await harness.ready(pilot)
        await harness.search(pilot, "zeppelin")
        empty = app.screen.query_one("#empty")
        assert empty.display
        text = str(empty.render())
        assert "zeppelin" in text and "OR" in text and "*" in text
        assert _rows(app) == []


async def test_did_you_mean_applies_with_a_key(harness):
    app = harness.make([small_corpus(harness.root)])
    async with app.run_test(size=(100, 30)) as pilot:
        await harness.ready(pilot)
        await harness.search(pilot, "glacire")
        suggestion = app.screen.results.suggestion
        assert suggestion and "glacier" in suggestion
        assert app.screen.query_one("#suggestion").display
        await pilot.press("ctrl+y")
        await harness.ready(pilot)
        assert app.screen.query_text == suggestion
        assert "Glacier bridge opens to walkers" in _rows(app)


async def test_sort_toggle_orders_by_date(harness):
    app = harness.make([small_corpus(harness.root)])
    async with app.run_test(size=(100, 30)) as pilot:
        await harness.ready(pilot)
        await harness.search(pilot, "glacier OR bakery")
        by_relevance = _rows(app)
        await pilot.press("ctrl+s")
        await harness.ready(pilot)
        assert app.screen.sort == "date"
        assert _rows(app) == [
            "Bakery wins regional prize",
            "Council debates parking fees",
            "Glacier bridge opens to walkers",
        ]
        assert sorted(by_relevance) == sorted(_rows(app))


async def test_facet_filters_by_outlet_and_clears(harness):
    app = harness.make([small_corpus(harness.root)])
    async with app.run_test(size=(100, 30)) as pilot:
        await harness.ready(pilot)
        await harness.search(pilot, "glacier OR bakery")
        assert len(_rows(app)) == 3
        facets = app.screen.query_one(FacetPanel)
        assert ("outlet", "Town Herald") in facets._values.values()
        await pilot.press("escape", "f")  # leave the input, focus the filters
        assert app.focused is facets
        # Move to the "Town Herald" row and pick it.
        target = next(k for k, v in facets._values.items() if v == ("outlet", "Town Herald"))
        facets.highlighted = facets.get_option_index(target)
        await pilot.press("enter")
        await harness.ready(pilot)
        assert app.screen.filters == {"outlet": "Town Herald"}
        assert sorted(_rows(app)) == ["Bakery wins regional prize", "Council debates parking fees"]
        await pilot.press("x")
        await harness.ready(pilot)
        assert app.screen.filters == {} and len(_rows(app)) == 3


async def test_hits_are_posted_before_the_facet_counts_that_follow_them(harness):
    posted: dict[tuple[str, int], None] = {}  # first-seen order (the hook sees each pump)

    def hook(message):
        if isinstance(message, (SearchScreen.ResultsReady, SearchScreen.FacetsReady)):
            posted.setdefault((type(message).__name__, message.seq), None)

    app = harness.make([small_corpus(harness.root)])
    async with app.run_test(size=(100, 30), message_hook=hook) as pilot:
        await harness.ready(pilot)
        posted.clear()
        await harness.search(pilot, "glacier")
        seq = app.screen.answered_seq
        mine = [name for name, s in posted if s == seq]
        assert mine == ["ResultsReady", "FacetsReady"]
        # the sidebar counts the two glacier articles, and the results keep them too
        panel = app.screen.query_one(FacetPanel)
        counted = [
            str(panel.get_option(k).prompt) for k, v in panel._values.items() if v[0] == "outlet"
        ]
        assert counted and all(label.split()[-1].isdigit() for label in counted)
        assert sum(n for _, n in app.screen.results.facets["outlet"]) == 2


async def test_narrow_terminal_asks_for_no_facets(harness):
    posted: list[int] = []

    def hook(message):
        if isinstance(message, SearchScreen.FacetsReady):
            posted.append(message.seq)

    app = harness.make([small_corpus(harness.root)])
    async with app.run_test(size=(60, 24), message_hook=hook) as pilot:
        await harness.ready(pilot)
        await harness.search(pilot, "glacier")
        assert _rows(app)[0] == "Glacier bridge opens to walkers"
        assert posted == []  # the sidebar is hidden: nothing is counted for it


async def test_summary_grows_for_a_query_note_and_shrinks_back(harness):
    """A one-line summary is repainted without a layout pass; a note on the query
    (unbalanced quote) needs a second line, which must still appear, and go again."""
    app = harness.make([small_corpus(harness.root)])
    async with app.run_test(size=(100, 30)) as pilot:
        await harness.ready(pilot)
        summary = app.screen.query_one("#summary")
        await harness.search(pilot, "glacier")
        assert summary.region.height == 1
        await pilot.press(*["backspace"] * len("glacier"))
        await harness.search(pilot, '"glacier bridge')
        assert app.screen.results.message
        assert summary.region.height == 2
        assert app.screen.results.message[:20] in str(summary.render())
        await pilot.press(*["backspace"] * len('"glacier bridge'))
        await harness.search(pilot, "bakery")
        assert summary.region.height == 1
        assert "1 result" in str(summary.render())
        # the results list below moved up with it: its first row is right under the summary
        assert app.screen.query_one(ResultList).region.y <= summary.region.bottom + 1


async def test_moving_to_the_last_hit_scrolls_it_into_view(harness):
    """The list's height changes with every page of hits (no layout pass is asked for
    it): jumping to the end still loads the hits and scrolls the cursor into view."""
    corpus = harness.root / "many"
    for i in range(30):
        _write(
            corpus,
            f"h{i:02}.json",
            f'{{"title": "Harbor report number {i}", "outlet": "Coast Post", '
            f'"date": "2024-03-{i % 28 + 1:02}", "text": "The harbor crane {i} was inspected."}}',
        )
    app = harness.make([corpus])
    async with app.run_test(size=(100, 30)) as pilot:
        await harness.ready(pilot)
        await harness.search(pilot, "harbor")
        results = app.screen.query_one(ResultList)
        first_page = len(results.hits)
        assert app.screen.results.total == 30 and first_page < 30
        await pilot.press("down")
        for _ in range(6):  # each jump to the end loads the next page
            await pilot.press("G")
            await harness.ready(pilot)
        await pilot.press("G")
        await pilot.pause()
        assert len(results.hits) == 30
        assert results.highlighted == len(results.hits) - 1
        assert results.scroll_y > 0
        region = Region(0, 0, results.size.width, results.size.height)
        shown = "".join(seg.text for strip in results.render_lines(region) for seg in strip)
        assert results.hits[-1].title in shown
