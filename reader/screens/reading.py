"""The reading screen: one article, its matches, its entities; open the source or compare.

Entities are recognised in a thread worker after the text is on screen, so opening an
article is instant even when recognition takes a moment.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import webbrowser
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import get_current_worker

from ..widgets.article import ArticleView
from ..widgets.entities import EntityPanel
from ..widgets.highlight import Match, summarise_entities
from ..widgets.status import IndexStatus

if TYPE_CHECKING:
    from index.model import Article, Mention

    from ..app import ReaderApp


def pager_command(path: str) -> list[str]:
    """$PAGER, else $EDITOR, else less: the program that shows a source file."""
    program = os.environ.get("PAGER") or os.environ.get("EDITOR") or "less"
    try:
        argv = shlex.split(program)
    except ValueError:
        argv = [program]
    return [*(argv or ["less"]), path]


def is_console_browser(browser: webbrowser.BaseBrowser) -> bool:
    """Text-mode browsers (lynx, w3m) take over the terminal, so the app must step aside."""
    return type(browser) is webbrowser.GenericBrowser


class ReadingScreen(Screen[None]):
    BINDINGS = [
        Binding("q,escape", "back", "Back", id="reading.back"),
        Binding("n", "next_match", "Next match", id="reading.next_match"),
        Binding("N", "prev_match", "Prev match", id="reading.prev_match"),
        Binding("e", "toggle_entities", "Entities", id="reading.toggle_entities"),
        Binding("o", "open_source", "Open source", id="reading.open_source"),
        Binding("O", "open_file", "Open file", show=False, id="reading.open_file"),
        Binding("c", "compare", "Compare", id="reading.compare"),
        Binding("slash", "search", "Search", show=False, id="reading.search"),
    ]

    @dataclass
    class EntitiesFound(Message):
        article_id: str
        mentions: list[Mention]

    def __init__(
        self,
        article: Article,
        terms: Sequence[str] = (),
        roots: Sequence[Path] = (),
        query: str = "",
    ) -> None:
        super().__init__()
        self.article = article
        self.terms = tuple(terms)
        self.query_text = query
        self.roots = tuple(roots)
        self._mention_step: dict[str, int] = {}

    @property
    def reader(self) -> ReaderApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Horizontal(id="reading-body"):
            yield ArticleView(id="article")
            with Vertical(id="side"):
                yield EntityPanel(id="entities")
        yield IndexStatus()
        yield Footer()

    def on_mount(self) -> None:
        view = self.query_one(ArticleView)
        view.show(self.article, self.terms, self.roots, self.query_text)
        panel = self.query_one(EntityPanel)
        panel.border_title = "Entities"
        panel.loading = True
        view.focus()
        self._find_entities(self.article)

    @work(thread=True, exclusive=True, group="entities", exit_on_error=False)
    def _find_entities(self, article: Article) -> None:
        try:
            from index.entities import find_mentions

            mentions = list(find_mentions(article))
        except Exception as exc:
            self.app.call_from_thread(
                self.notify, f"Entity recognition failed: {exc}", severity="warning"
            )
            mentions = []
        if not get_current_worker().is_cancelled:
            self.post_message(self.EntitiesFound(article.id, mentions))

    @on(EntitiesFound)
    def _entities_found(self, message: EntitiesFound) -> None:
        if message.article_id != self.article.id:
            return
        self.query_one(ArticleView).set_mentions(message.mentions)
        panel = self.query_one(EntityPanel)
        panel.loading = False
        entities = summarise_entities(message.mentions)
        panel.set_entities(entities)
        panel.border_title = f"Entities ({len(entities)})"

    # -- matches and entities ---------------------------------------------------------

    def action_next_match(self) -> None:
        self._step(+1)

    def action_prev_match(self) -> None:
        self._step(-1)

    def _step(self, direction: int) -> None:
        view = self.query_one(ArticleView)
        target = view.step_match(direction)
        if target is None:
            self.notify("No query words in this article.", timeout=2)
            return
        n = view.matches.index(target) + 1
        view.border_subtitle = f"match {n}/{len(view.matches)}"

    def action_toggle_entities(self) -> None:
        view = self.query_one(ArticleView)
        view.set_show_entities(not view.show_entities)
        self.query_one("#side").set_class(not view.show_entities, "-off")

    @on(EntityPanel.Jump)
    def _jump_to_entity(self, message: EntityPanel.Jump) -> None:
        entity = message.entity
        step = self._mention_step.get(entity.entity_id, -1) + 1
        step %= len(entity.mentions)
        self._mention_step[entity.entity_id] = step
        mention = entity.mentions[step]
        view = self.query_one(ArticleView)
        if not view.show_entities:
            self.action_toggle_entities()
        view.focus_span(Match(mention.paragraph, mention.start, mention.end))
        view.border_subtitle = f"{entity.canonical}: mention {step + 1}/{entity.count}"

    @on(EntityPanel.SearchFor)
    def _search_entity(self, message: EntityPanel.SearchFor) -> None:
        name = message.entity.canonical.replace('"', " ").strip()
        self.reader.search_for(f'entity:"{name}"')

    # -- leaving -----------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_search(self) -> None:
        self.reader.search_for(None)

    def action_compare(self) -> None:
        try:
            from .compare import start_compare
        except ImportError:
            self.notify("Compare is not available in this build yet.", severity="warning")
            return
        try:
            start_compare(self.app, self.article, library=self.reader.library)
        except Exception as exc:
            self.notify(f"Could not start comparing: {exc}", severity="error")

    def action_open_source(self) -> None:
        if self.article.url:
            self._open_url(self.article.url)
        else:
            self.action_open_file()

    def _open_url(self, url: str) -> None:
        try:
            browser = webbrowser.get()
        except webbrowser.Error:
            self.notify(
                f"No web browser found. The address is {url}", severity="warning", timeout=10
            )
            return
        if is_console_browser(browser):
            try:
                with self.app.suspend():
                    browser.open(url)
            except Exception as exc:
                self.notify(f"Could not open {url}: {exc}", severity="error")
            return
        if not browser.open(url):
            self.notify(f"The browser did not open {url}", severity="warning")
        else:
            self.notify(f"Opened {url} in the browser", timeout=3)

    def action_open_file(self) -> None:
        path = self.article.path
        if not Path(path).is_file():
            self.notify(f"The source file is gone: {path}", severity="warning")
            return
        argv = pager_command(path)
        try:
            with self.app.suspend():
                subprocess.run(argv, check=False)
        except FileNotFoundError:
            self.notify(f"Cannot run {argv[0]!r}; set $PAGER or $EDITOR.", severity="error")
        except Exception as exc:  # e.g. SuspendNotSupported when there is no real terminal
            self.notify(f"Could not open {path}: {exc}", severity="error")
