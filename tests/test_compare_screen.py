"""The compare screen, driven with Textual's Pilot on a tiny app (no index needed)."""

from __future__ import annotations

import asyncio
import functools
import html
import inspect
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.app import App

from index.model import Article
from reader.screens.compare import CompareScreen, PartnerPicker, start_compare
from reader.widgets.compare_rows import CompareRow, CompareRows

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def run(coro_fn):
    """Run an ``async def`` test body in a fresh loop (this file needs no async plugin)."""

    @functools.wraps(coro_fn)
    def wrapper(*args, **kwargs):
        asyncio.run(coro_fn(*args, **kwargs))

    wrapper.__signature__ = inspect.signature(coro_fn)
    return wrapper


def para(n: int, topic: str) -> str:
    return f"Paragraph {n} tells how the {topic} moved the harbour cranes of Porto Vell on day {n}."


A = Article(
    id="a",
    path="ledger.txt",
    title="Storm Idris shuts Porto Vell harbour for three days",
    outlet="Harbour Ledger",
    date="2032-11-02",
    paragraphs=(
        "Storm Idris closed the harbour of Porto Vell on Monday, halting all ferries for three days.",
        'Harbour master Bruno Lind said the closure was "the only safe choice for crews and passengers."',
        "Two cranes were toppled by gusts of 140 kilometres an hour.",
        "Fishing crews say they lost a week of income.",
    ),
)
B = Article(
    id="b",
    path="courier.txt",
    title="Porto Vell harbour closed as Storm Idris hits",
    outlet="Coast Courier",
    date="2032-11-02",
    paragraphs=(
        "Ferries were halted for three days after Storm Idris forced Porto Vell to close its harbour on Monday.",
        "Gusts reaching 140 kilometres an hour knocked over two cranes.",
        "Lind called the closure “the only safe choice for crews and passengers”.",
        "The last storm of this strength hit the coast in 1987.",
    ),
)


class CompareApp(App[None]):
    def __init__(self, a: Article, b: Article, library=None) -> None:
        super().__init__()
        self.pair = (a, b)
        self.library = library

    def on_mount(self) -> None:
        self.push_screen(CompareScreen(*self.pair, library=self.library))


async def computed(pilot) -> CompareScreen:
    screen = pilot.app.screen
    for _ in range(200):
        await pilot.pause(0.02)
        if isinstance(screen, CompareScreen) and screen.comparison is not None:
            break
    await pilot.pause()
    assert screen.comparison is not None, "the comparison never arrived"
    return screen


def screen_lines(app) -> list[str]:
    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    for m in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(m.group(2)), []).append(
            (float(m.group(1)), html.unescape(m.group(3)))
        )
    return [
        "".join(t for _, t in sorted(parts)).replace("\xa0", " ")
        for _, parts in sorted(rows.items())
    ]


@run
async def test_aligned_rows_sit_side_by_side_with_filler_rows():
    app = CompareApp(A, B)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await computed(pilot)
        rows = screen.query(CompareRow)
        assert len(rows) == len(screen.comparison.rows)
        lead = next(r for r in rows if r.plain[0].startswith("Storm Idris closed"))
        assert lead.plain[1].startswith("Ferries were halted")
        only_a = next(r for r in rows if r.plain[0].startswith("Fishing crews"))
        assert only_a.plain[1] == "" and only_a.has_class("-only_a")
        only_b = next(r for r in rows if r.plain[1].startswith("The last storm"))
        assert only_b.plain[0] == "" and only_b.has_class("-only_b")
        # aligned sentences start on the same screen line
        assert any(
            "Storm Idris closed" in ln and "Ferries were halted" in ln for ln in screen_lines(app)
        )
        summary = str(screen.query_one("#compare-summary").render())
        assert "4 shared, 1 only in A, 1 only in B" in summary


@run
async def test_scrolling_moves_both_sides_together():
    long_a = Article(
        id="la",
        path="la.txt",
        title="Cranes report",
        paragraphs=tuple(para(n, "storm") for n in range(40)),
    )
    long_b = Article(
        id="lb",
        path="lb.txt",
        title="Crane report",
        paragraphs=tuple(para(n, "gale") for n in range(40)),
    )
    app = CompareApp(long_a, long_b)
    async with app.run_test(size=(100, 20)) as pilot:
        screen = await computed(pilot)
        view = screen.query_one(CompareRows)
        assert view.max_scroll_y > 0
        await pilot.press("G")
        await pilot.pause(0.3)
        assert view.scroll_y > 0
        # the last sentence of A and its partner in B are on screen, on one line
        assert [ln for ln in screen_lines(app) if ln.count("day 39") == 2], screen_lines(app)
        await pilot.press("g")
        await pilot.pause(0.3)
        assert view.scroll_y == 0
        assert [ln for ln in screen_lines(app) if "day 0." in ln and ln.count("day 0.") == 2]


@run
async def test_next_and_previous_difference_and_swap():
    app = CompareApp(A, B)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await computed(pilot)
        view = screen.query_one(CompareRows)
        await pilot.press("right_square_bracket")
        first = view.rows[view.cursor]
        assert first.is_difference
        await pilot.press("right_square_bracket")
        second = view.rows[view.cursor]
        assert second.is_difference and second is not first
        await pilot.press("left_square_bracket")
        assert view.rows[view.cursor] is first
        await pilot.press("s")
        await pilot.pause(0.2)
        assert screen.a is B and screen.b is A
        assert "Coast Courier" in str(screen.query_one("#header-a").render())
        rows = screen.query(CompareRow)
        fishing = next(r for r in rows if r.plain[1].startswith("Fishing crews"))
        assert fishing.plain[0] == "" and fishing.has_class("-only_b")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)


@dataclass
class Hit:
    id: str
    title: str
    outlet: str | None = None
    date: str | None = None
    story: str | None = None


@dataclass
class Results:
    hits: list
    total: int


class FakeLibrary:
    """The two Library calls the picker makes: search and get."""

    def __init__(self, articles: list[Article], story: str) -> None:
        self.articles = {a.id: a for a in articles}
        self.story = story
        self.queries: list[str] = []

    def search(self, query: str, **_):
        self.queries.append(query)
        hits = [Hit(a.id, a.title, a.outlet, a.date, self.story) for a in self.articles.values()]
        if query.startswith("id:"):
            hits = [h for h in hits if h.id in query]
        elif not query.startswith("story:"):
            hits = [h for h in hits if any(w.lower() in h.title.lower() for w in query.split())]
        return Results(hits, len(hits))

    def get(self, article_id: str):
        return self.articles.get(article_id)

    def idf(self, word: str) -> float:
        return 3.0


@run
async def test_start_compare_picks_a_partner_from_the_same_story():
    library = FakeLibrary([A, B], story="s-a")

    class Reading(App[None]):
        def on_mount(self) -> None:
            start_compare(self, A, library=library)

    app = Reading()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        assert isinstance(app.screen, PartnerPicker)
        assert any(q.startswith("story:") for q in library.queries)
        assert [c.id for c in app.screen.candidates] == ["b"]
        await pilot.press("enter")
        screen = await computed(pilot)
        assert isinstance(screen, CompareScreen) and screen.b is B


@run
async def test_picker_takes_a_file_path_without_an_index(tmp_path):
    partner = tmp_path / "other.txt"
    partner.write_text(
        "Storm closes harbour\n\nStorm Idris closed the harbour of Porto Vell on Monday.\n",
        encoding="utf-8",
    )

    class Reading(App[None]):
        def on_mount(self) -> None:
            start_compare(self, A)

    app = Reading()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        assert isinstance(app.screen, PartnerPicker)
        await pilot.press(*str(partner))
        await pilot.pause(0.6)
        assert app.screen.candidates and app.screen.candidates[0].article is not None
        await pilot.press("enter")
        screen = await computed(pilot)
        assert screen.b.title == "Storm closes harbour"
        assert screen.comparison.pairs


@pytest.mark.skipif(not (SHARED / "corpus" / "seeds").exists(), reason="shared data missing")
@run
async def test_seed_articles_compare_on_screen():
    from index.pipeline import load_file

    seeds = SHARED / "corpus" / "seeds"
    a = load_file(seeds / "001_b55862bb1a5fa346.txt")[0]
    b = load_file(seeds / "003_c1d0a8b04389fa61.txt")[0]
    app = CompareApp(a, b)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await computed(pilot)
        rows = screen.query(CompareRow)
        both = [r for r in rows if r.plain[0] and r.plain[1]]
        assert len(both) >= 4
        hamada = next(r for r in both if "Hamada told reporters" in r.plain[0])
        assert "Hamada said in a press conference" in hamada.plain[1]
        await pilot.press("right_square_bracket")
        view = screen.query_one(CompareRows)
        assert view.rows[view.cursor].is_difference


def test_compare_screen_snapshot(snap_compare):
    async def settle(pilot) -> None:
        await computed(pilot)
        await pilot.press("right_square_bracket")
        await pilot.pause()

    assert snap_compare(CompareApp(A, B), terminal_size=(110, 32), run_before=settle)


@run
async def test_p_picks_another_partner_and_recomputes():
    third = Article(
        id="c",
        path="wire.txt",
        title="Ferries stop as storm closes Porto Vell",
        outlet="Wire",
        paragraphs=(
            "Storm Idris closed Porto Vell harbour on Monday; ferries stopped for three days.",
        ),
    )
    library = FakeLibrary([A, B, third], story="s-a")
    app = CompareApp(A, B, library=library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await computed(pilot)
        await pilot.press("p")
        await pilot.pause(0.3)
        picker = app.screen
        assert isinstance(picker, PartnerPicker)
        assert [c.id for c in picker.candidates] == ["c"]  # not A itself, not the current B
        await pilot.press("enter")
        await pilot.pause(0.1)
        screen = await computed(pilot)
        assert screen.b is third
        assert "Wire" in str(screen.query_one("#header-b").render())
        assert any(
            r.plain[1].startswith("Storm Idris closed Porto Vell") for r in screen.query(CompareRow)
        )
