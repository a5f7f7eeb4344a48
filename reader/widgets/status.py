"""A one-line indexing gauge shown above the footer while the background indexer runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

if TYPE_CHECKING:
    from index.model import IndexProgress


PHASES = {
    "scanning": "Scanning files",
    "reading": "Reading files",  # a first build reads everything before it indexes
    "indexing": "Indexing",
    "committing": "Saving index",
    "stories": "Grouping stories",
}


class IndexStatus(Horizontal):
    """Mirrors ``app.index_progress``; hidden when no indexing is under way."""

    DEFAULT_CSS = """
    IndexStatus { height: 1; display: none; padding: 0 1; background: $panel; }
    IndexStatus.-active { display: block; }
    IndexStatus #index-label { width: 1fr; height: 1; }
    IndexStatus ProgressBar { width: auto; height: 1; }
    IndexStatus Bar { width: 20; }
    """

    def compose(self) -> ComposeResult:
        yield Label(id="index-label", markup=False)
        yield ProgressBar(show_eta=False, id="index-bar")

    def on_mount(self) -> None:
        self.watch(self.app, "index_progress", self._show, init=True)

    def _show(self, progress: IndexProgress | None) -> None:
        self.set_class(progress is not None, "-active")
        if progress is None:
            return
        label = PHASES.get(progress.phase, progress.phase.capitalize())
        text = f"{label} {progress.done}/{progress.total}" if progress.total else f"{label}…"
        if progress.path and progress.phase == "indexing":
            text += f"  {Path(progress.path).name}"
        self.query_one("#index-label", Label).update(text)
        bar = self.query_one("#index-bar", ProgressBar)
        bar.update(total=progress.total or None, progress=progress.done)
