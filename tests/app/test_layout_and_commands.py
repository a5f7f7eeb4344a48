"""Small terminals, the command palette's commands, background indexing and its errors."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from index.model import IndexProgress
from reader.app import IndexDone, IndexTick, ReaderApp
from reader.commands import open as open_cmd
from reader.config import Config
from reader.corpus import demo_corpus
from reader.screens.help import HelpScreen
from reader.screens.palette import ReaderCommands
from reader.screens.reading import ReadingScreen
from reader.screens.search import SearchScreen


async def test_tiny_terminal_walks_every_screen_without_crashing(harness):
    app = harness.make()
    async with app.run_test(size=(40, 12)) as pilot:
        await harness.ready(pilot)
        assert (
            not app.screen.query_one("#facets").display
            or app.screen.query_one("#facets").size.width == 0
        )
        await harness.search(pilot, "tunnel")
        assert app.screen.results.total > 0
        assert not app.screen.request.facets  # the hidden sidebar costs no facet counting
        await pilot.press("enter", "enter")
        await harness.ready(pilot)
        assert isinstance(app.screen, ReadingScreen)
        await pilot.press("n", "j", "G", "ctrl+u", "e", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("j", "escape", "q")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await harness.ready(pilot)
        assert app.screen.query_one("#facets").display
        assert app.screen.request.facets and app.screen.query_one("#facets")._values


def _command_names(screen) -> list[str]:
    provider = ReaderCommands(screen)
    return [c.name for c in provider._commands()]


async def test_palette_offers_only_what_fits_the_screen(harness):
    app = harness.make()
    async with app.run_test(size=(100, 30)) as pilot:
        await harness.ready(pilot)
        on_search = _command_names(app.screen)
        assert any(n.startswith("Sort results by") for n in on_search)
        assert not any("Compare" in n for n in on_search)
        assert "Switch theme" in on_search and "Update index" in on_search
        await harness.search(pilot, "tunnel")
        await pilot.press("enter", "enter")
        await harness.ready(pilot)
        on_reading = _command_names(app.screen)
        assert "Compare this article with…" in on_reading
        assert not any(n.startswith("Sort results by") for n in on_reading)

        # Searching the palette offers to open an article by (part of) its title.
        title = app.screen.article.title
        hits = [h async for h in ReaderCommands(app.screen).search(title.split()[0])]
        assert any(str(h.text) == f"Open: {title}" for h in hits)


async def test_indexing_runs_in_background_and_results_follow(harness):
    ticks: list[IndexProgress] = []
    done: list[IndexDone] = []

    def hook(message):
        if isinstance(message, IndexTick):
            ticks.append(message.progress)
        elif isinstance(message, IndexDone):
            done.append(message)

    app = harness.make()
    async with app.run_test(size=(100, 30), message_hook=hook) as pilot:
        await harness.ready(pilot)
        assert ticks and {t.phase for t in ticks} >= {"indexing"}
        assert done and done[-1].error is None and done[-1].report.documents == len(app.library)
        # The empty query lists every indexed article once indexing is over.
        assert app.screen.results.total == len(app.library) > 0
        assert app.index_progress is None


async def test_unusable_index_location_is_a_notification_not_a_traceback(harness, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the index folder should go", encoding="utf-8")
    app = harness.make(index_dir=blocker / "index")
    async with app.run_test(size=(100, 30)) as pilot:
        await harness.ready(pilot)
        assert app.library is None and app.library_error
        assert any(n.severity == "error" for n in app._notifications)
        summary = str(app.screen.query_one("#summary").render())
        assert app.library_error.split()[0] in summary
        await pilot.press(*"x")  # typing still works; nothing crashes
        await pilot.pause(0.3)


def test_open_command_reopens_last_corpus_else_demo(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    launched: list[ReaderApp] = []
    monkeypatch.setattr(ReaderApp, "run", lambda self, *a, **k: launched.append(self))

    result = CliRunner().invoke(open_cmd.command, [])
    assert result.exit_code == 0, result.output
    first = launched[-1]
    assert first.corpus == (demo_corpus(),) and "demo" in (first.notice or "")

    mine = tmp_path / "mine"
    mine.mkdir()
    Config.load().remember(last_corpus=[str(mine)], last_index=str(tmp_path / "ix"))
    result = CliRunner().invoke(open_cmd.command, [])
    assert result.exit_code == 0, result.output
    assert launched[-1].corpus == (Path(mine),) and "Reopened" in launched[-1].notice

    result = CliRunner().invoke(open_cmd.command, [str(tmp_path / "missing")])
    assert result.exit_code != 0 and "does not exist" in result.output


async def test_index_held_by_another_process_is_a_warning_and_search_still_works(harness):
    from index.locking import UpdateLock
    from index.store import Library

    corpus = [demo_corpus()]
    Library.open(corpus, harness.index_dir).close()  # an (empty) index exists
    with UpdateLock(harness.index_dir / "update.lock"):  # "another reader" is updating it
        app = harness.make(corpus)
        async with app.run_test(size=(100, 30)) as pilot:
            await harness.ready(pilot)
            warnings = [n for n in app._notifications if n.severity == "warning"]
            assert any("Index busy" == n.title for n in warnings)
            assert not any(n.severity == "error" for n in app._notifications)
            assert app.screen.results is not None  # the search screen answered (empty index)
