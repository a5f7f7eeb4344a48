"""Compare two articles side by side: shared facts and quotes on the same line.

``CompareScreen(a, b, library=None)`` aligns the articles in a thread worker (the
engine's ``index.align.compare``) and shows one row per aligned sentence pair, with
filler where one side has nothing.  ``start_compare(app, article, library)`` is what
the reading screen's ``c`` calls: pick a partner (same story first, then search) in a
small modal, then compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ..widgets.compare_render import header, legend
from ..widgets.compare_rows import CompareRows
from ..widgets.safe import safe_text

if TYPE_CHECKING:
    from index.align import Comparison
    from index.model import Article


class CompareScreen(Screen[None]):
    """Two articles aligned sentence by sentence; A's order, B beside what matches."""

    BINDINGS = [
        Binding("q,escape", "back", "Back", id="compare.back"),
        Binding(
            "right_square_bracket,n",
            "next_difference",
            "Next difference",
            id="compare.next_difference",
        ),
        Binding(
            "left_square_bracket,N",
            "prev_difference",
            "Prev difference",
            id="compare.prev_difference",
        ),
        Binding("s", "swap", "Swap sides", id="compare.swap"),
        Binding("p", "pick_partner", "Other partner", id="compare.pick_partner"),
        Binding("d", "toggle_diff", "Word marks", id="compare.toggle_diff"),
        Binding("j,down", "cursor(1)", "Down", show=False, id="compare.down"),
        Binding("k,up", "cursor(-1)", "Up", show=False, id="compare.up"),
        Binding("g,home", "cursor_to(0)", "Top", show=False, id="compare.top"),
        Binding("G,end", "cursor_to(-1)", "Bottom", show=False, id="compare.bottom"),
        Binding("pagedown,space", "page(1)", "Page down", show=False, id="compare.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="compare.page_up"),
    ]

    DEFAULT_CSS = """
    CompareScreen #compare-headers { height: auto; padding: 0 1; background: $panel; }
    CompareScreen .compare-header { width: 1fr; height: auto; padding: 0 1; }
    CompareScreen #compare-gutter-space { width: 2; }
    CompareScreen #compare-summary { height: auto; padding: 0 1; background: $panel; }
    CompareScreen #compare-loading { height: 1fr; }
    """

    @dataclass
    class Computed(Message):
        """The worker's answer (posted from the thread)."""

        comparison: Comparison
        token: int

    @dataclass
    class Failed(Message):
        error: str
        token: int

    def __init__(self, a: Article, b: Article, *, library: Any = None) -> None:
        super().__init__()
        self.a = a
        self.b = b
        self.library = library
        self.comparison: Comparison | None = None
        self.diff = True
        self._token = 0

    def compose(self) -> ComposeResult:
        with Horizontal(id="compare-headers"):
            yield Static(id="header-a", classes="compare-header")
            yield Static(id="compare-gutter-space")
            yield Static(id="header-b", classes="compare-header")
        yield LoadingIndicator(id="compare-loading")
        yield CompareRows(id="compare-rows")
        yield Static(id="compare-summary")
        yield Footer()

    def on_mount(self) -> None:
        self._show_headers()
        self.query_one(CompareRows).display = False
        self.query_one("#compare-summary", Static).update(
            Text("Aligning the two articles…", style="dim")
        )
        self._start()

    def _show_headers(self) -> None:
        self.query_one("#header-a", Static).update(header(self.a, "A"))
        self.query_one("#header-b", Static).update(header(self.b, "B"))

    def _start(self) -> None:
        self._token += 1
        self.query_one("#compare-loading").display = True
        self._compute(self.a, self.b, self._token)

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def _compute(self, a: Article, b: Article, token: int) -> None:
        from index.align import compare

        idf = getattr(self.library, "idf", None)
        try:
            comparison = compare(a, b, idf=idf)
        except Exception as exc:  # an engine bug must not take the app down
            if not get_current_worker().is_cancelled:
                self.post_message(self.Failed(f"{type(exc).__name__}: {exc}", token))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Computed(comparison, token))

    @on(Computed)
    def _computed(self, message: Computed) -> None:
        if message.token != self._token:
            return  # an answer for articles no longer on screen
        self.comparison = message.comparison
        self.query_one("#compare-loading").display = False
        rows = self.query_one(CompareRows)
        rows.display = True
        rows.show(message.comparison, diff=self.diff)
        rows.focus()
        self._show_summary()

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        if message.token != self._token:
            return
        self.query_one("#compare-loading").display = False
        self.query_one("#compare-summary", Static).update(
            Text(f"Could not compare: {message.error}", style="red")
        )

    def _show_summary(self, note: str = "") -> None:
        c = self.comparison
        if c is None:
            return
        line = Text(c.summary(), style="bold")
        line.append(f"   similarity {c.similarity:.0%}", style="dim")
        if c.entities_both:
            line.append(f"   names in both: {', '.join(c.entities_both[:6])}", style="dim")
        if note:
            line.append(f"   {note}", style="italic")
        line.append("\n")
        line.append_text(legend())
        self.query_one("#compare-summary", Static).update(line)

    # -- moving -----------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        rows = self.query_one(CompareRows)
        rows.move_to(rows.cursor + step)

    def action_cursor_to(self, index: int) -> None:
        rows = self.query_one(CompareRows)
        rows.move_to(index if index >= 0 else len(rows.rows) - 1)

    def action_page(self, direction: int) -> None:
        rows = self.query_one(CompareRows)
        target_y = rows.scroll_y + direction * max(1, rows.size.height - 2)
        for row in rows.rows if direction > 0 else reversed(rows.rows):
            top = row.virtual_region.y
            if (direction > 0 and top >= target_y) or (direction < 0 and top <= target_y):
                rows.move_to(row.index)
                return
        rows.move_to(len(rows.rows) - 1 if direction > 0 else 0)

    def action_next_difference(self) -> None:
        self._difference(+1)

    def action_prev_difference(self) -> None:
        self._difference(-1)

    def _difference(self, direction: int) -> None:
        rows = self.query_one(CompareRows)
        row = rows.step_difference(direction)
        if row is None:
            word = "further" if direction > 0 else "earlier"
            self.notify(f"No {word} sentence that only one article has.", timeout=2)
            return
        side = "A" if row.row.a is not None else "B"
        self._show_summary(f"only in {side}")

    # -- changing what is compared ------------------------------------------------------

    def action_swap(self) -> None:
        if self.comparison is None:
            return
        rows = self.query_one(CompareRows)
        current = rows.rows[rows.cursor].row if rows.rows else None
        self.a, self.b = self.b, self.a
        self.comparison = self.comparison.swapped()
        self._show_headers()
        cursor = 0
        if current is not None:  # stay on the same sentence (it changed sides)
            for n, row in enumerate(self.comparison.rows):
                if (current.a is not None and row.b == current.a) or (
                    current.b is not None and row.a == current.b
                ):
                    cursor = n
                    break
        rows.show(self.comparison, diff=self.diff, cursor=cursor)
        self._show_summary("sides swapped")

    def action_toggle_diff(self) -> None:
        if self.comparison is None:
            return
        self.diff = not self.diff
        rows = self.query_one(CompareRows)
        rows.show(self.comparison, diff=self.diff, cursor=rows.cursor)
        self._show_summary("word marks on" if self.diff else "word marks off")

    def action_pick_partner(self) -> None:
        def chosen(partner: Article | None) -> None:
            if partner is not None:
                self.b = partner
                self.comparison = None
                self._show_headers()
                self.query_one(CompareRows).display = False
                self._start()

        self.app.push_screen(PartnerPicker(self.a, self.library, exclude=(self.b.id,)), chosen)

    def action_back(self) -> None:
        self.app.pop_screen()


# --------------------------------------------------------------------------- the picker


@dataclass(frozen=True)
class Candidate:
    """A possible partner: an indexed article (``id``) or a file's article (``article``)."""

    label: Text
    id: str | None = None
    article: Article | None = None


class PartnerPicker(ModalScreen["Article | None"]):
    """Choose what to compare with: same story first, or search / type a file path."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="compare_picker.cancel"),
        Binding("down", "to_list", "Candidates", show=False, id="compare_picker.to_list"),
    ]

    DEFAULT_CSS = """
    PartnerPicker { align: center middle; }
    PartnerPicker > Vertical {
        width: 90%; max-width: 110; height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    PartnerPicker #picker-title { height: auto; }
    PartnerPicker #picker-list { height: 1fr; }
    PartnerPicker #picker-note { height: auto; color: $text-muted; }
    """

    @dataclass
    class Found(Message):
        candidates: list[Candidate]
        note: str
        token: int

    def __init__(
        self, article: Article, library: Any = None, *, exclude: tuple[str, ...] = ()
    ) -> None:
        super().__init__()
        self.article = article
        self.library = library
        self.exclude = {article.id, *exclude}
        self.candidates: list[Candidate] = []
        self._token = 0

    def compose(self) -> ComposeResult:
        with Vertical():
            title = Text("Compare ", style="bold")
            title.append_text(safe_text(self.article.title or "(untitled)", style="bold italic"))
            title.append(" with…", style="bold")
            yield Static(title, id="picker-title")
            yield Input(
                placeholder="Search the corpus, or type the path of an article file",
                id="picker-input",
            )
            yield OptionList(id="picker-list")
            yield Static(id="picker-note")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._lookup("")

    @on(Input.Changed, "#picker-input")
    def _typed(self, event: Input.Changed) -> None:
        self._lookup(event.value)

    @on(Input.Submitted, "#picker-input")
    def _submitted(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        if self.candidates:
            self._choose(self.candidates[options.highlighted or 0])

    def action_to_list(self) -> None:
        self.query_one(OptionList).focus()

    def _lookup(self, text: str) -> None:
        self._token += 1
        self._find(text.strip(), self._token)

    @work(thread=True, exclusive=True, group="compare-picker", exit_on_error=False)
    def _find(self, text: str, token: int) -> None:
        import time

        if text:
            time.sleep(0.15)  # let the typing settle before searching
            if get_current_worker().is_cancelled:
                return
        try:
            candidates, note = find_candidates(self.article, self.library, text, self.exclude)
        except Exception as exc:
            candidates, note = [], f"Search failed: {exc}"
        if not get_current_worker().is_cancelled:
            self.post_message(self.Found(candidates, note, token))

    @on(Found)
    def _found(self, message: Found) -> None:
        if message.token != self._token:
            return
        self.candidates = message.candidates
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(c.label) for c in message.candidates])
        if message.candidates:
            options.highlighted = 0
        self.query_one("#picker-note", Static).update(Text(message.note))

    @on(OptionList.OptionSelected, "#picker-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(self.candidates[event.option_index])

    def _choose(self, candidate: Candidate) -> None:
        if candidate.article is not None:
            self.dismiss(candidate.article)
            return
        article = (
            self.library.get(candidate.id) if self.library is not None and candidate.id else None
        )
        if article is None:
            self.notify("That article is no longer in the index.", severity="warning")
            return
        self.dismiss(article)

    def action_cancel(self) -> None:
        self.dismiss(None)


def find_candidates(
    article: Article, library: Any, text: str, exclude: set[str], *, limit: int = 30
) -> tuple[list[Candidate], str]:
    """Partners for ``article``: a file at path ``text``; else search hits for ``text``;
    with no text, the other articles of its story (then its closest matches)."""
    path = Path(text).expanduser() if text else None
    if path is not None and path.is_file():
        from index.pipeline import load_file

        result = load_file(path)
        if isinstance(result, list):
            return [
                Candidate(_file_label(a, path), article=a) for a in result[:limit]
            ], f"{len(result)} article(s) in {path.name}"
        return [], f"{path.name}: {result.reason}"
    if library is None:
        return [], "No index is open: type the path of an article file to compare with."
    if text:
        results = library.search(text, limit=limit, snippets=False, facets=False)
        hits = [h for h in results.hits if h.id not in exclude]
        return [
            Candidate(_hit_label(h), id=h.id) for h in hits
        ], f"{results.total} match(es) for {text!r}"
    story = _story_of(article, library)
    hits = []
    if story:
        results = library.search(f'story:"{story}"', limit=limit, snippets=False, facets=False)
        hits = [h for h in results.hits if h.id not in exclude]
    if hits:
        return [
            Candidate(_hit_label(h), id=h.id) for h in hits
        ], f"{len(hits)} other report(s) of the same story; type to search instead"
    results = library.search(_title_query(article), limit=limit, snippets=False, facets=False)
    hits = [h for h in results.hits if h.id not in exclude]
    note = "No other report of this story; closest articles by title (type to search)"
    return [Candidate(_hit_label(h), id=h.id) for h in hits], note


def _story_of(article: Article, library: Any) -> str | None:
    results = library.search(f'id:"{article.id}"', limit=1, snippets=False, facets=False)
    return results.hits[0].story if results.hits else None


def _title_query(article: Article) -> str:
    words = [w.strip("\"'“”‘’()[]:;,.!?") for w in (article.title or "").split()]
    words = [w for w in words if len(w) > 3 and w.replace("-", "").isalpha()]
    return " OR ".join(words[:8]) or "*"


def _hit_label(hit) -> Text:
    out = safe_text(hit.title or "(untitled)")
    meta = " · ".join(x for x in (hit.outlet, hit.date) if x)
    if meta:
        out.append_text(safe_text(f"   {meta}", style="dim"))
    return out


def _file_label(article: Article, path: Path) -> Text:
    out = safe_text(article.title or "(untitled)")
    out.append_text(safe_text(f"   {path.name}", style="dim"))
    return out


def start_compare(app, article: Article, library: Any = None) -> None:
    """Let the user pick a partner for ``article`` (same story first), then compare."""

    def chosen(partner: Article | None) -> None:
        if partner is not None:
            app.push_screen(CompareScreen(article, partner, library=library))

    app.push_screen(PartnerPicker(article, library), chosen)
