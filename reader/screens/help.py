"""The help screen: every key binding grouped by screen (with the user's remapping) and the
query syntax with examples."""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..keymap import KeyRow, key_rows
from ..widgets.syntax import syntax_table


def binding_groups() -> list[tuple[str, list[type]]]:
    """(screen title, classes whose BINDINGS apply there), in the order shown."""
    from ..app import ReaderApp
    from ..widgets.article import ArticleView
    from ..widgets.entities import EntityPanel
    from ..widgets.facets import FacetPanel
    from ..widgets.results import ResultList
    from .reading import ReadingScreen
    from .search import SearchScreen

    groups: list[tuple[str, list[type]]] = [
        ("Everywhere", [ReaderApp]),
        ("Search", [SearchScreen, ResultList, FacetPanel]),
        ("Reading", [ReadingScreen, ArticleView, EntityPanel]),
    ]
    try:
        compare = importlib.import_module("reader.screens.compare")
    except ImportError:
        compare = None
    if compare is not None:
        classes = [
            obj
            for obj in vars(compare).values()
            if isinstance(obj, type)
            and obj.__module__.startswith("reader.")
            and "BINDINGS" in obj.__dict__
        ]
        if classes:
            groups.append(("Compare", classes))
    groups.append(("Help", [HelpScreen]))
    return groups


def all_binding_owners() -> list[type]:
    return [cls for _, classes in binding_groups() for cls in classes]


def _keys_table(rows: list[KeyRow]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True, min_width=14)
    table.add_column()
    table.add_column(style="dim")
    for row in rows:
        table.add_row(Text(row.keys), Text(row.description), Text(row.id))
    return table


def help_renderable(keymap: Mapping[str, str], config_path: str | None = None) -> Group:
    parts: list = []
    for title, classes in binding_groups():
        rows = key_rows(classes, keymap)
        if not rows:
            continue
        parts += [Text(title, style="bold underline"), _keys_table(rows), Text("")]
    parts += [
        Text("Also: tab moves between panels; the mouse scrolls and clicks.", style="dim"),
        Text(""),
        Text("Query syntax", style="bold underline"),
        syntax_table(),
        Text(""),
        Text(
            'Remap any key in config.toml under [keymap], e.g. "search.sort" = "ctrl+o" '
            "(the ids are listed above).",
            style="dim",
        ),
    ]
    if config_path:
        parts.append(Text(f"Your config file: {config_path}", style="dim"))
    return Group(*parts)


def _user_keymap(app: object) -> Mapping[str, str]:
    config = getattr(app, "config", None)
    return getattr(config, "keymap", {}) or {}


class HelpScreen(Screen[None]):
    BINDINGS = [
        Binding("q,escape", "app.pop_screen", "Back", id="help.back"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="help.up"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            config = getattr(self.app, "config", None)
            path = str(config.config_path) if config is not None else None
            yield Static(help_renderable(_user_keymap(self.app), path), id="help-text")
        yield Footer()

    def on_mount(self) -> None:
        body = self.query_one("#help-body")
        body.border_title = "Keys and query syntax"
        body.focus()

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-body").scroll_relative(y=lines, animate=False)
