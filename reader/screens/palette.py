"""The app's own command-palette commands (ctrl+p), offered only where they make sense.

Search the corpus, open an article by its title, compare the article being read, switch
theme, update or rebuild the index.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..widgets.safe import safe_text

if TYPE_CHECKING:
    from ..app import ReaderApp

MAX_TITLE_HITS = 12
FUZZY_TITLES_UP_TO = 20_000


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[], object]


class ReaderCommands(Provider):
    @property
    def reader(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    def _commands(self) -> Iterator[Command]:
        from .reading import ReadingScreen
        from .search import SearchScreen

        app = self.reader
        screen = self.screen
        if isinstance(screen, ReadingScreen):
            yield Command(
                "Compare this article with…",
                "Pick a second article and align the two",
                screen.action_compare,
            )
            yield Command(
                "Open the article's source",
                "URL in the browser, file in $PAGER",
                screen.action_open_source,
            )
            yield Command(
                "Toggle entity highlighting",
                "Show or hide entity colours",
                screen.action_toggle_entities,
            )
            yield Command(
                "Back to search", "Return to the result list", partial(app.search_for, None)
            )
        if isinstance(screen, SearchScreen):
            other = "date" if screen.sort == "relevance" else "relevance"
            yield Command(
                f"Sort results by {other}",
                "Toggle relevance / newest first",
                screen.action_toggle_sort,
            )
            if screen.filters:
                yield Command(
                    "Clear filters",
                    "Drop the outlet/date/entity filters",
                    screen.action_clear_filters,
                )
        yield Command("Switch theme", "Pick a colour theme (remembered)", app.action_change_theme)
        if app.library is not None and not app.library.readonly:
            if app.index_progress is None:
                yield Command("Update index", "Index new and changed files", app.action_reindex)
                yield Command(
                    "Rebuild index",
                    "Re-index every file from scratch",
                    partial(app.action_reindex, True),
                )
        yield Command(
            "Help: keys and query syntax", "Every binding and the query syntax", app.action_help
        )

    async def discover(self) -> Hits:
        for cmd in self._commands():
            yield DiscoveryHit(cmd.name, cmd.run, help=cmd.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for cmd in self._commands():
            score = matcher.match(cmd.name)
            if score > 0:
                yield Hit(score, matcher.highlight(cmd.name), cmd.run, help=cmd.help)
        text = query.strip()
        if not text or self.reader.library is None:
            return
        label = Text("Search: ", style="bold", end="")
        label.append_text(safe_text(text))
        yield Hit(
            0.9,  # the usual intent: near the top, under an exact command name
            label,
            partial(self.reader.search_for, text),
            text=f"Search: {text}",
            help="Search the corpus",
        )
        for article_id, title, score in await self._titles(text):
            display = Text("Open: ", style="bold", end="")
            display.append_text(safe_text(title))
            yield Hit(
                score,
                display,
                partial(self.reader.open_article, article_id),
                text=f"Open: {title}",
                help="Open this article",
            )

    async def _titles(self, text: str) -> list[tuple[str, str, float]]:
        """(id, title, score) of articles whose title fits ``text`` best."""
        titles = await self.reader.article_titles()
        if titles is not None and len(titles) <= FUZZY_TITLES_UP_TO:
            matcher = self.matcher(text)
            scored = [(aid, title, matcher.match(title)) for aid, title in titles]
            scored = [row for row in scored if row[2] > 0]
            scored.sort(key=lambda row: -row[2])
            return scored[:MAX_TITLE_HITS]
        library = self.reader.library
        if library is None:
            return []
        try:
            results = await asyncio.to_thread(
                library.search, text, limit=MAX_TITLE_HITS, snippets=False
            )
        except Exception:
            return []
        return [(h.id, h.title, 0.4) for h in results.hits]
