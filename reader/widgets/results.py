"""The result list: one row per hit (headline, outlet · date, snippet with matches lit).

Rows are built only for the hits the engine returned (one page), so highlighting costs
scale with what is on screen, not with the size of the corpus.  Replacing the hits keeps
the cursor on the same article when it is still there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from .safe import safe_text, snippet_text
from .wrapped import WrappedText

if TYPE_CHECKING:
    from index.model import Hit


def hit_prompt(hit: Hit, *, show_snippet: bool = True) -> Text:
    """Headline, then outlet · date, then the snippet (all literal text)."""
    out = safe_text(hit.title or "(untitled)", style="bold")
    meta = " · ".join(x for x in (hit.outlet, hit.date) if x)
    if meta:
        out.append("\n")
        out.append_text(safe_text(meta, style="italic dim"))
    if show_snippet and hit.snippet.text.strip():
        out.append("\n")
        out.append_text(snippet_text(hit.snippet))
    return out


class ResultList(OptionList):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="results.down"),
        Binding("k", "cursor_up", "Up", show=False, id="results.up"),
        Binding("g", "first", "First", show=False, id="results.first"),
        Binding("G", "last", "Last", show=False, id="results.last"),
        Binding("ctrl+d", "page_down", "Page down", show=False, id="results.page_down"),
        Binding("ctrl+u", "page_up", "Page up", show=False, id="results.page_up"),
        Binding("enter", "select", "Open", id="results.open"),
    ]

    @dataclass
    class Chosen(Message):
        """The user opened ``hit`` (Enter or click)."""

        hit: Hit

    # A new page of hits changes the list's virtual height, which by default asks for a
    # layout pass (for the scrollbars) that redraws the whole screen: ~10 ms of every
    # keystroke's results at 100x30.  The bar is hidden (app.tcss), so no layout is needed.
    virtual_size = Reactive(Size(0, 0), layout=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.auto_links = False  # rows hold no links: skip a restyle of every drawn line
        self.hits: list[Hit] = []

    def show_hits(self, hits: Sequence[Hit], *, keep_cursor: bool = True) -> None:
        """Replace the rows; the cursor stays on the same article if it is still listed."""
        previous = self.current_hit if keep_cursor else None
        old_index = self.highlighted
        self.hits = list(hits)
        # one set_options, not clear + add: the list's size changes once, not twice,
        # which spares a layout pass and the scrollbars' redraws on every search
        self.set_options(
            Option(WrappedText(hit_prompt(h)), id=f"h{i}") for i, h in enumerate(self.hits)
        )
        if not self.hits:
            return
        index = 0
        if previous is not None:
            same = [i for i, h in enumerate(self.hits) if h.id == previous.id]
            if same:
                index = same[0]
            elif old_index is not None and keep_cursor:
                index = min(old_index, len(self.hits) - 1)
        self.highlighted = index

    @property
    def current_hit(self) -> Hit | None:
        index = self.highlighted
        if index is None or not (0 <= index < len(self.hits)):
            return None
        return self.hits[index]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.hits):
            self.post_message(self.Chosen(self.hits[event.option_index]))
