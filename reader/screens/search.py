"""The home screen: type a query, watch ranked results arrive, filter by facets, open one.

Typing never waits for the engine: each keystroke restarts a short debounce timer, the
search runs in an exclusive thread worker, and its answer comes back as a
``ResultsReady`` message tagged with a sequence number so stale answers are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Click
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from ..widgets.facets import FacetPanel
from ..widgets.results import ResultList
from ..widgets.safe import safe_text
from ..widgets.status import IndexStatus
from ..widgets.syntax import hint_text

if TYPE_CHECKING:
    from index.model import SearchResults

    from ..app import ReaderApp

DEBOUNCE = 0.15
EMPTY_FACETS_UP_TO = 20_000  # whole-corpus facet counts for the empty query cost ~1 s at 100k
MIN_PAGE = 6  # hits fetched at least; more pages load as the cursor reaches the end
ROW_LINES = 3  # a hit takes at least three lines (headline, outlet/date, snippet)
SORTS = ("relevance", "date")


@dataclass
class Request:
    """Everything one search depends on (compared to tell fresh answers from stale ones)."""

    query: str
    sort: str
    filters: tuple[tuple[str, str], ...]
    limit: int
    facets: bool = True  # only when the sidebar is on screen: counting costs time


class Suggestion(Static):
    """'Did you mean …?' — clicking applies it."""

    def on_click(self, event: Click) -> None:
        event.stop()
        self.screen.action_apply_suggestion()  # type: ignore[attr-defined]


class QueryInput(Input):
    """The query box.  Enter moves to the results at once (not when the Submitted message
    is handled), so a quick second Enter opens the top hit instead of searching again."""

    async def action_submit(self) -> None:
        results = self.screen.query("#results")
        if results:
            self.screen.set_focus(results.first())
        await super().action_submit()


class SearchScreen(Screen[None]):
    AUTO_FOCUS = "#query"

    BINDINGS = [
        Binding("slash", "focus_query", "Search", id="search.focus_query"),
        Binding("s,ctrl+s", "toggle_sort", "Sort", id="search.sort"),
        Binding("f", "focus_facets", "Filters", id="search.facets"),
        Binding("x", "clear_filters", "Clear filters", id="search.clear_filters"),
        Binding("d,ctrl+y", "apply_suggestion", "Did you mean", id="search.suggestion"),
        Binding("escape", "leave_input", "Results", show=False, id="search.escape"),
        Binding("down", "focus_results", "Results", show=False, id="search.to_results"),
        Binding("q", "app.quit", "Quit", id="search.quit"),
    ]

    @dataclass
    class ResultsReady(Message):
        """A search finished; ``seq`` says which request it answers."""

        seq: int
        request: Request
        results: SearchResults
        keep_cursor: bool = False

    @dataclass
    class FacetsReady(Message):
        """The sidebar counts for request ``seq`` (they follow its hits)."""

        seq: int
        facets: dict[str, list[tuple[str, int]]]

    @dataclass
    class SearchFailed(Message):
        seq: int
        error: str

    def __init__(self) -> None:
        super().__init__(id="search")
        self.sort = "relevance"
        self.filters: dict[str, str] = {}
        self.results: SearchResults | None = None
        self.request: Request | None = None
        self._seq = 0
        self.answered_seq = 0  # the request whose results are on screen
        self._footer_state = (False, False)
        self._debounce: Timer | None = None
        self._page = MIN_PAGE

    @property
    def reader(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield QueryInput(
            placeholder="Search articles…  (? for help)", id="query", select_on_focus=False
        )
        with Horizontal(id="body"):
            with Vertical(id="main"):
                yield Static(id="summary", markup=False)
                yield Suggestion(id="suggestion", markup=False)
                yield Static(id="hint", markup=False)
                yield ResultList(id="results")
                yield Static(id="empty", markup=False)
            yield FacetPanel(id="facets")
        yield IndexStatus()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#query", Input).cursor_blink = self.reader.cursor_blink
        self.query_one("#suggestion").display = False
        self.query_one("#empty").display = False
        self.query_one("#facets", FacetPanel).border_title = "Filters"
        self.watch(self.app, "library_version", self._library_changed, init=False)
        self._show_status()
        if self.reader.library is not None:
            self.run_search()

    def _library_changed(self, _version: int) -> None:
        self.run_search(keep_cursor=True)

    # -- running searches --------------------------------------------------------------

    @property
    def query_text(self) -> str:
        return self.query_one("#query", Input).value

    def set_query(self, text: str, *, focus_results: bool = False) -> None:
        """Replace the query (from the palette, an entity, a suggestion) and search now."""
        box = self.query_one("#query", Input)
        with box.prevent(Input.Changed):
            box.value = text
        box.cursor_position = len(text)
        self.run_search()
        if focus_results:
            self.set_focus(self.query_one("#results", ResultList))

    @on(Input.Changed, "#query")
    def _typed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE, self.run_search)

    def _page_size(self) -> int:
        """Hits that fit on screen, plus one: only those get snippets and highlighting."""
        height = self.query_one("#results", ResultList).size.height or self.size.height
        return max(MIN_PAGE, height // ROW_LINES + 1)

    def run_search(self, *, keep_cursor: bool = False, limit: int | None = None) -> None:
        """Start a search for the current query, sort and filters (results arrive later)."""
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        if self.reader.library is None:
            return
        if limit is None:
            limit = self._page if keep_cursor else self._page_size()
        self._page = limit
        self._seq += 1
        request = Request(
            self.query_text.strip(),
            self.sort,
            tuple(sorted(self.filters.items())),
            limit,
            facets=self._sidebar_shown(),
        )
        self._search(self._seq, request, keep_cursor)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, seq: int, request: Request, keep_cursor: bool) -> None:
        """The hits; the facet counts follow once they are painted (``_count_facets``)."""
        library = self.reader.library
        if library is None:
            return
        filters = dict(request.filters)
        try:
            if request.query:
                results = library.search(
                    request.query,
                    limit=request.limit,
                    sort=request.sort,
                    filters=filters,
                    facets=False,
                )
            else:  # empty state: the newest articles
                results = library.search(
                    "",
                    limit=request.limit,
                    sort="date",
                    filters=filters,
                    snippets=False,
                    facets=False,
                )
        except Exception as exc:  # the engine's message is user-facing; never a traceback
            if not get_current_worker().is_cancelled:
                self.post_message(self.SearchFailed(seq, str(exc) or type(exc).__name__))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.ResultsReady(seq, request, results, keep_cursor))

    @work(thread=True, exclusive=True, group="facets", exit_on_error=False)
    def _count_facets(self, seq: int, request: Request) -> None:
        """The sidebar's counts, started once the hits are painted."""
        library = self.reader.library
        if library is None or seq != self._seq:
            return
        facets = library.facets(request.query, filters=dict(request.filters))
        if not get_current_worker().is_cancelled and seq == self._seq:
            self.post_message(self.FacetsReady(seq, facets))

    @on(ResultsReady)
    def _results_ready(self, message: ResultsReady) -> None:
        if message.seq != self._seq:
            return  # a newer request is on its way
        self.results = message.results
        self.request = message.request
        self.answered_seq = message.seq
        self.query_one("#results", ResultList).show_hits(
            message.results.hits, keep_cursor=message.keep_cursor
        )
        if self._facets_coming(message.request):
            # counted after this frame is drawn: the hits never wait for the sidebar
            self.call_after_refresh(self._count_facets, message.seq, message.request)
        else:
            self._show_facets({})
        self._show_status()
        footer_state = (bool(message.results.suggestion), bool(self.filters))
        if footer_state != self._footer_state:  # the footer rebuilds itself: only when needed
            self._footer_state = footer_state
            self.refresh_bindings()

    @on(FacetsReady)
    def _facets_ready(self, message: FacetsReady) -> None:
        if message.seq != self._seq or self.results is None:
            return
        self.results = replace(self.results, facets=message.facets)
        self._show_facets(message.facets)
        if self.request is not None and not self.request.query:
            self._show_status()  # the empty state's hint names the top outlet

    def _facets_coming(self, request: Request) -> bool:
        library = self.reader.library
        return request.facets and bool(
            request.query or (library is not None and len(library) <= EMPTY_FACETS_UP_TO)
        )

    def _show_facets(self, facets: dict[str, list[tuple[str, int]]]) -> None:
        query = self.request.query if self.request is not None else ""
        placeholder = "Search to see filters" if not query else "No filters here"
        self.query_one("#facets", FacetPanel).show_facets(facets, self.filters, placeholder)

    @on(SearchFailed)
    def _search_failed(self, message: SearchFailed) -> None:
        if message.seq == self._seq:
            self.notify(message.error, title="Search failed", severity="error")

    # -- status lines ------------------------------------------------------------------

    def refresh_status(self) -> None:
        """Redraw the summary, suggestion and empty-state lines from the latest results."""
        self._show_status()

    def _show_status(self) -> None:
        suggestion = self.query_one("#suggestion", Suggestion)
        hint = self.query_one("#hint", Static)
        empty = self.query_one("#empty", Static)
        results = self.results
        request = self.request
        suggestion.display = False
        empty.display = False
        hint.display = False
        if self.reader.library is None:
            self._update_summary(
                Text(self.reader.library_error or "Opening the index…", style="italic")
            )
            return
        if results is None or request is None:
            self._update_summary(Text("Searching…", style="italic"))
            return
        if not request.query:
            self._update_summary(self._summary_line("Newest articles", results))
            outlets = results.facets.get("outlet") or []
            hint.update(hint_text(outlets[0][0] if outlets else None))
            hint.display = True
            if not results.hits:
                empty.update(self._empty_corpus_text())
                empty.display = True
            return
        self._update_summary(self._summary_line(None, results))
        if results.suggestion:
            line = Text("Did you mean: ", end="")
            line.append_text(safe_text(results.suggestion, style="bold underline"))
            line.append("?  (d / ctrl+y, or click)", style="dim")
            suggestion.update(line)
            suggestion.display = True
        if not results.hits:
            empty.update(self._no_results_text(request, results))
            empty.display = True

    def _update_summary(self, text: Text) -> None:
        """A one-line summary replacing a one-line summary keeps its size: repaint it
        without the layout pass (which redraws the whole screen) on every search."""
        summary = self.query_one("#summary", Static)
        fits = "\n" not in text.plain and text.cell_len <= summary.content_size.width
        summary.update(text, layout=not (fits and summary.content_size.height == 1))

    def _summary_line(self, label: str | None, results: SearchResults) -> Text:
        if label is None:
            n = results.total
            label = f"{n} result{'s' if n != 1 else ''}"
        out = Text(label, style="bold", end="")
        out.append(
            f" · sorted by {self.sort if (self.request and self.request.query) else 'date'}",
            style="dim",
        )
        for field, value in sorted(self.filters.items()):
            out.append(f" · {field}: ", style="dim")
            out.append_text(safe_text(value, style="bold"))
        if self.filters:
            out.append("  (x clears)", style="dim")
        if results.message:
            out.append("\n")
            out.append_text(safe_text(results.message, style="italic"))
        return out

    def _no_results_text(self, request: Request, results: SearchResults) -> Text:
        out = Text("No article matches ", end="")
        out.append_text(safe_text(request.query, style="bold"))
        out.append(".\n\n")
        tips = []
        if self.filters:
            tips.append("press x to clear the filters")
        if results.suggestion:
            tips.append("press d to search for the suggestion above")
        tips += [
            "use fewer words, or OR between alternatives",
            "end a word with * to match its prefix, or ~ to allow a typo",
            "press ? for the full query syntax",
        ]
        out.append("Try to:\n", style="dim")
        for tip in tips:
            out.append(f"  • {tip}\n")
        return out

    def _empty_corpus_text(self) -> Text:
        if self.reader.index_progress is not None:
            return Text("Indexing… articles appear here as soon as they are saved.", style="italic")
        return Text(
            "This corpus has no articles yet. Point reader at a folder of .txt, .md, .html, "
            ".json or .jsonl articles (reader PATH), or try reader --demo.",
            style="italic",
        )

    # -- events and actions ------------------------------------------------------------

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        if (
            self._debounce is not None
            or self.request is None
            or self.request.query != self.query_text.strip()
        ):
            self.run_search()  # only if the results on screen are not for this query yet

    def action_focus_results(self) -> None:
        self.set_focus(self.query_one("#results", ResultList))

    @on(ResultList.Chosen)
    def _open_hit(self, message: ResultList.Chosen) -> None:
        results = self.results
        terms, query = (results.terms, results.query) if results else ((), "")
        self.reader.open_article(message.hit.id, terms=terms, query=query)

    @on(ResultList.OptionHighlighted, "#results")
    def _near_end(self, event: ResultList.OptionHighlighted) -> None:
        results = self.results
        if results is None or self.request is None or self.answered_seq != self._seq:
            return  # nothing shown yet, or a search is already on its way
        shown = len(results.hits)
        if event.option_index >= shown - 1 and shown < results.total:
            self.run_search(keep_cursor=True, limit=self._page + self._page_size())

    @on(FacetPanel.Toggled)
    def _facet(self, message: FacetPanel.Toggled) -> None:
        if self.filters.get(message.field) == message.value:
            del self.filters[message.field]
        else:
            self.filters[message.field] = message.value
        self.run_search()

    def _sidebar_shown(self) -> bool:
        return not self.has_class("-narrow")

    def on_resize(self) -> None:
        # Widening the terminal brings the sidebar back: fetch the facets it needs.
        if self.request is not None and not self.request.facets and self._sidebar_shown():
            self.run_search(keep_cursor=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide keys that would do nothing right now (keeps the footer short)."""
        if action == "apply_suggestion":
            return bool(self.results and self.results.suggestion)
        if action == "clear_filters":
            return bool(self.filters)
        if action == "focus_facets":
            return self._sidebar_shown()
        return True

    def action_focus_query(self) -> None:
        self.set_focus(self.query_one("#query", Input))

    def action_leave_input(self) -> None:
        if self.focused is self.query_one("#query"):
            self.set_focus(self.query_one("#results", ResultList))
        else:
            self.action_focus_query()

    def action_focus_facets(self) -> None:
        facets = self.query_one("#facets", FacetPanel)
        if facets.display and facets.region.width:
            self.set_focus(facets)
        else:
            self.notify("Widen the terminal to see the filters.", severity="warning")

    def action_toggle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.notify(f"Sorted by {self.sort}", timeout=1.5)
        self.run_search()

    def action_clear_filters(self) -> None:
        if self.filters:
            self.filters.clear()
            self.run_search()

    def action_apply_suggestion(self) -> None:
        if self.results and self.results.suggestion:
            self.set_query(self.results.suggestion)
        else:
            self.notify("No suggestion for this query.", timeout=2)
