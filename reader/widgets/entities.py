"""The entity panel: the article's entities with mention counts, coloured by type.

Enter (or a click) steps through the selected entity's mentions; ``f`` searches the
whole corpus for it.  The screen does the work; the panel only posts messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from .highlight import EntitySummary, entity_color
from .safe import safe_text


class EntityPanel(OptionList):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="entities.down"),
        Binding("k", "cursor_up", "Up", show=False, id="entities.up"),
        Binding("enter", "select", "Next mention", id="entities.next_mention"),
        Binding("f", "search_corpus", "Find in corpus", id="entities.search"),
    ]

    @dataclass
    class Jump(Message):
        """Step to the next mention of ``entity``."""

        entity: EntitySummary

    @dataclass
    class SearchFor(Message):
        """Search the corpus for articles mentioning ``entity``."""

        entity: EntitySummary

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entities: list[EntitySummary] = []

    def set_entities(self, entities: Sequence[EntitySummary]) -> None:
        self.entities = list(entities)
        self.clear_options()
        if not self.entities:
            self.add_option(Option(Text("No entities found.", style="dim"), disabled=True))
            return
        options = []
        for i, ent in enumerate(self.entities):
            prompt = Text("● ", style=entity_color(ent.type), end="")
            prompt.append(f"{ent.count:>3} ", style="dim")
            prompt.append_text(safe_text(ent.canonical))
            options.append(Option(prompt, id=f"e{i}"))
        self.add_options(options)
        self.highlighted = 0

    def _selected(self) -> EntitySummary | None:
        index = self.highlighted
        if index is None or not (0 <= index < len(self.entities)):
            return None
        return self.entities[index]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entity = self._selected()
        if entity is not None:
            self.post_message(self.Jump(entity))

    def action_search_corpus(self) -> None:
        entity = self._selected()
        if entity is not None:
            self.post_message(self.SearchFor(entity))
