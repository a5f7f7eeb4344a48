"""The facet sidebar: outlets, dates and top entities of the current results.

Selecting a value (Enter or click) toggles it as a filter; active filters are ticked and
stay listed even when the new results no longer count them, so they can be switched off.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from .safe import safe_text

# facet field -> heading; the order of the sidebar.
FACET_TITLES: dict[str, str] = {
    "outlet": "Outlets",
    "date": "Dates",
    "entity": "Entities",
}
MAX_VALUES = 8
MAX_LABEL = 17  # characters of a value that fit the sidebar beside a tick and a count


class FacetPanel(OptionList):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="facets.down"),
        Binding("k", "cursor_up", "Up", show=False, id="facets.up"),
        Binding("enter", "select", "Filter", id="facets.toggle"),
    ]

    @dataclass
    class Toggled(Message):
        """The user picked ``value`` of ``field`` (turn the filter on, or off if it was on)."""

        field: str
        value: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._values: dict[str, tuple[str, str]] = {}
        self._shown: object = None

    def show_facets(
        self,
        facets: Mapping[str, list[tuple[str, int]]],
        active: Mapping[str, str],
        placeholder: str = "No filters for these results",
    ) -> None:
        """Rebuild the list from ``facets``, ticking the ``active`` filters (no-op if unchanged)."""
        shown = (
            {f: list(facets.get(f) or [])[:MAX_VALUES] for f in FACET_TITLES},
            dict(active),
            placeholder,
        )
        if shown == self._shown:
            return
        self._shown = shown
        current = self.highlighted_option
        keep = self._values.get(current.id or "") if current is not None else None
        self._values.clear()
        options: list[Option] = []
        for field, title in FACET_TITLES.items():
            values = list(facets.get(field) or [])[:MAX_VALUES]
            chosen = active.get(field)
            if chosen is not None and all(v != chosen for v, _ in values):
                values.insert(0, (chosen, 0))
            if not values:
                continue
            options.append(Option(Text(title, style="bold"), disabled=True))
            for value, count in values:
                option_id = f"f{len(self._values)}"
                self._values[option_id] = (field, value)
                on = value == chosen
                prompt = Text("✓ " if on else "  ", style="bold" if on else "", end="")
                label = str(value) or "(none)"
                if len(label) > MAX_LABEL:
                    label = label[: MAX_LABEL - 1] + "…"
                prompt.append_text(safe_text(label, style="bold" if on else ""))
                if count:
                    prompt.append(f" {count}", style="dim")
                options.append(Option(prompt, id=option_id))
        if not options:
            options.append(Option(Text(placeholder, style="dim"), disabled=True))
        self.set_options(options)  # one change of size (see ResultList.show_hits)
        for option_id, picked in self._values.items():
            if picked == keep:
                self.highlighted = self.get_option_index(option_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        picked = self._values.get(event.option.id or "")
        if picked is not None:
            self.post_message(self.Toggled(*picked))
