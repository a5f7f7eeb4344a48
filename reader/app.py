"""The Textual app: a thin client of ``index.store.Library``.

The index is opened (and, when files changed, updated) in a background thread worker,
so the first frame paints at once; screens watch ``library_version`` and re-run their
query whenever searchable content changes.  Settings come from ``reader.config``.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.theme import Theme

from .config import Config
from .keymap import unknown_ids
from .screens.palette import ReaderCommands
from .screens.search import SearchScreen

FULL_GC_EVERY = 100  # second-generation collections between full ones (Python's default: 10)

if TYPE_CHECKING:
    from index.model import IndexProgress, IndexReport
    from index.store import Library

PROGRESS_INTERVAL = 0.1  # seconds between progress repaints
REFRESH_WHILE_INDEXING = 2.0  # seconds between re-runs of the query while batches commit


class IndexingCancelled(Exception):
    """Raised from the progress callback to stop an update when the app quits."""


@dataclass
class IndexTick(Message):
    """Progress from the indexing thread."""

    progress: IndexProgress


@dataclass
class IndexDone(Message):
    """The indexing thread finished (``error`` is a user-facing message on failure)."""

    report: IndexReport | None
    error: str | None = None
    busy: bool = False  # another process holds the index: not a failure


@dataclass
class LibraryOpened(Message):
    library: Library
    note: str | None = None


@dataclass
class LibraryFailed(Message):
    error: str


class ReaderApp(App[None]):
    """Search, read and compare a corpus of news articles."""

    TITLE = "reader"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    COMMANDS = App.COMMANDS | {ReaderCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (72, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (18, "-tall")]
    BINDINGS = [
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding(
            "ctrl+p", "command_palette", "Commands", show=False, priority=True, id="app.palette"
        ),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit"),
    ]

    index_progress: reactive[IndexProgress | None] = reactive(None, init=False)
    library_version: reactive[int] = reactive(0, init=False)

    def __init__(
        self,
        corpus: Sequence[str | Path],
        *,
        index_dir: Path | None = None,
        config: Config | None = None,
        readonly: bool = False,
        notice: str | None = None,
        library: Library | None = None,
        cursor_blink: bool = True,
    ) -> None:
        super().__init__()
        self.corpus = tuple(Path(p) for p in corpus)
        self.index_dir = Path(index_dir) if index_dir else None
        self.config = config if config is not None else Config.load()
        self.readonly = readonly
        self.notice = notice
        self.cursor_blink = cursor_blink
        self.library: Library | None = library
        self.library_error: str | None = None
        self._titles: list[tuple[str, str]] | None = None
        self._titles_version = -1
        self._last_tick = 0.0
        self._last_phase = ""
        self._last_refresh = 0.0
        self._closing = False
        self.set_keymap(self.config.keymap)

    # -- start-up --------------------------------------------------------------------

    def get_default_screen(self) -> SearchScreen:
        return SearchScreen()

    @property
    def home(self) -> SearchScreen:
        return self.screen_stack[0]  # type: ignore[return-value]

    def on_mount(self) -> None:
        if self.config.theme and self.config.theme in self.available_themes:
            self.theme = self.config.theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        for warning in self.config.warnings:
            self.notify(warning, title="Settings", severity="warning", timeout=10)
        if self.config.theme and self.config.theme not in self.available_themes:
            self.notify(
                f"Unknown theme {self.config.theme!r}; using {self.theme}.", severity="warning"
            )
        if self.config.keymap:
            self._check_keymap()
        if self.notice:
            self.notify(self.notice, timeout=8)
        if self.library is not None:
            self._library_ready(self.library, None)
        else:
            self.call_after_refresh(self._open_library)  # paint the first frame first

    @work(thread=True, group="keymap", exit_on_error=False)
    def _check_keymap(self) -> None:
        """Warn about ids in [keymap] that no binding has (off the UI thread: it imports
        every screen, compare's included)."""
        from .screens.help import all_binding_owners

        unknown = unknown_ids(self.config.keymap, all_binding_owners())
        if unknown:
            self.call_from_thread(
                self.notify,
                "No such binding id: " + ", ".join(unknown) + " (see ? for the list)",
                title="config.toml [keymap]",
                severity="warning",
                timeout=10,
            )

    def _remember_theme(self, theme: Theme) -> None:
        if theme.name != self.config.theme:
            error = self.config.remember(theme=theme.name)
            if error:
                self.notify(error, severity="warning")

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def _open_library(self) -> None:
        try:
            from index.errors import IndexLocked, IndexUnwritable, LibraryError
            from index.store import Library

            note = None
            try:
                library = Library.open(self.corpus, self.index_dir, readonly=self.readonly)
            except (IndexUnwritable, IndexLocked) as exc:
                library = Library.open(self.corpus, self.index_dir, readonly=True)
                note = f"{exc} Showing the index read-only."
        except LibraryError as exc:
            self.post_message(LibraryFailed(str(exc)))
            return
        except Exception as exc:  # never a traceback in the user's face
            self.post_message(
                LibraryFailed(f"Could not open the index: {type(exc).__name__}: {exc}")
            )
            return
        self.post_message(LibraryOpened(library, note))

    @on(LibraryOpened)
    def _opened(self, message: LibraryOpened) -> None:
        self._library_ready(message.library, message.note)

    def _library_ready(self, library: Library, note: str | None) -> None:
        self.library = library
        self.library_error = None
        if note:
            self.notify(note, severity="warning", timeout=10)
        error = self.config.remember(
            last_corpus=[str(p) for p in library.corpus], last_index=str(library.index_dir)
        )
        if error:
            self.log.warning(error)
        self.library_version += 1
        self._warm(library)
        if not library.readonly:
            self._update_if_needed(library)

    @work(thread=True, group="warm", exit_on_error=False)
    def _warm(self, library: Library) -> None:
        """Caches the first searches would otherwise wait for (word list, columns)."""
        library.warm()
        self.call_from_thread(self._settle_heap)

    def _settle_heap(self) -> None:
        """Move what start-up built (widgets, caches, the index's columns) out of the
        garbage collector's reach: otherwise each full collection walks all of it and
        stalls the screen for ~100 ms at 100k articles, mid-search.  Anything frozen
        that later becomes garbage is thawed and collected at the next settle."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        # young garbage is still collected as usual; full passes come ten times rarer
        first, second, _ = gc.get_threshold()
        gc.set_threshold(first, second, FULL_GC_EVERY)

    @on(LibraryFailed)
    def _failed(self, message: LibraryFailed) -> None:
        self.library_error = message.error
        self.notify(message.error, title="Cannot open the index", severity="error", timeout=15)
        if self.home.is_mounted:
            self.home.refresh_status()

    # -- indexing in the background ---------------------------------------------------

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _update_if_needed(
        self, library: Library, force: bool = False, rebuild: bool = False
    ) -> None:
        try:
            if not (force or rebuild or library.needs_update()):
                return
            from index.model import IndexProgress

            self._last_refresh = time.monotonic()
            self.post_message(IndexTick(IndexProgress(0, 0, phase="scanning")))
            report = library.update(self._progress, rebuild=rebuild)
        except IndexingCancelled:
            return  # quitting: batches already committed stay searchable next time
        except Exception as exc:
            from index.errors import IndexLocked

            busy = isinstance(exc, IndexLocked)
            self.post_message(IndexDone(None, str(exc) or type(exc).__name__, busy=busy))
            return
        self.post_message(IndexDone(report))

    def _progress(self, progress: IndexProgress) -> None:
        """Called from the indexing thread: forward at most ~10 ticks a second (and every phase change)."""
        if self._closing:
            raise IndexingCancelled
        now = time.monotonic()
        if progress.phase != self._last_phase or now - self._last_tick >= PROGRESS_INTERVAL:
            self._last_tick = now
            self._last_phase = progress.phase
            self.post_message(IndexTick(progress))

    @on(IndexTick)
    def _tick(self, message: IndexTick) -> None:
        previous = self.index_progress
        self.index_progress = message.progress
        now = time.monotonic()
        committed = (
            previous is not None
            and previous.phase == "committing"
            and message.progress.phase != "committing"
        )
        if committed or now - self._last_refresh >= REFRESH_WHILE_INDEXING:
            # Batches are committed as indexing goes: show what is searchable so far.
            self._last_refresh = now
            self.library_version += 1

    @on(IndexDone)
    def _done(self, message: IndexDone) -> None:
        self.index_progress = None
        self._last_phase = ""
        if message.busy:
            self.notify(
                f"{message.error} Searching what is indexed so far.",
                title="Index busy",
                severity="warning",
                timeout=10,
            )
            self.library_version += 1
            return
        if message.error:
            self.notify(message.error, title="Indexing failed", severity="error", timeout=15)
            return
        report = message.report
        self.library_version += 1
        if report is None:
            return
        changed = report.added + report.updated + report.removed
        if changed:
            self.notify(
                f"Indexed {report.added} new, {report.updated} changed, {report.removed} removed "
                f"({report.documents} articles).",
                timeout=5,
            )
        if report.skipped:
            first = report.skipped[0]
            more = f" and {len(report.skipped) - 1} more" if len(report.skipped) > 1 else ""
            self.notify(
                f"Skipped {Path(first.path).name}: {first.reason}{more}.",
                title="Some files were skipped",
                severity="warning",
                timeout=10,
            )

    def action_reindex(self, rebuild: bool = False) -> None:
        library = self.library
        if library is None:
            self.notify("The index is not open yet.", severity="warning")
        elif library.readonly:
            self.notify("This index is read-only.", severity="warning")
        elif self.index_progress is not None:
            self.notify("Indexing is already running.")
        else:
            self._update_if_needed(library, force=True, rebuild=rebuild)

    # -- navigation used by screens and the palette -------------------------------------

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def search_for(self, query: str | None) -> None:
        """Go back to the search screen; run ``query`` there if given, else focus the input."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        home = self.home
        if query is not None:
            home.set_query(query, focus_results=True)
        else:
            home.action_focus_query()

    def open_article(self, article_id: str, terms: Sequence[str] = (), query: str = "") -> None:
        from .screens.reading import ReadingScreen

        library = self.library
        if library is None:
            self.notify("The index is not open yet.", severity="warning")
            return
        try:
            article = library.get(article_id)
        except Exception as exc:
            self.notify(f"Could not load the article: {exc}", severity="error")
            return
        if article is None:
            self.notify("That article is no longer in the index.", severity="warning")
            return
        self.push_screen(ReadingScreen(article, terms, roots=library.corpus, query=query))

    async def article_titles(self) -> list[tuple[str, str]] | None:
        """(id, title) of every article, cached until the library changes (None if too many)."""
        library = self.library
        if library is None:
            return None
        if self._titles_version != self.library_version:
            from .screens.palette import FUZZY_TITLES_UP_TO

            def collect() -> list[tuple[str, str]] | None:
                if len(library) > FUZZY_TITLES_UP_TO:
                    return None
                return [(a.id, a.title) for a in library.articles()]

            self._titles = await asyncio.to_thread(collect)
            self._titles_version = self.library_version
        return self._titles

    def on_unmount(self) -> None:
        self._closing = True  # the indexing thread stops at its next progress tick
        if self.library is not None and self.index_progress is None:
            try:
                self.library.close()
            except Exception:
                pass
