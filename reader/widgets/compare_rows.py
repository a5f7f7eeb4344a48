"""The compare screen's body: one scrolling column of rows, each holding both sides.

Both articles live in the same row widget, so aligned sentences always sit on the same
line and one scroll moves A and B together by construction (no percentage syncing).
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from index.align import ONLY_A, ONLY_B, Comparison, Row

from .compare_render import render_row


class CompareRow(Static):
    """One display row: A's sentence, a gutter mark, B's sentence."""

    DEFAULT_CSS = """
    CompareRow {
        height: auto;
        padding: 0 1;
        margin-bottom: 1;
    }
    CompareRow.-only_a { background: $warning 8%; }
    CompareRow.-only_b { background: $secondary 10%; }
    CompareRow.-cursor { background: $accent 30%; }
    """

    def __init__(self, comparison: Comparison, row: Row, index: int, *, diff: bool = True) -> None:
        self.row = row
        self.index = index
        rendered = render_row(comparison, row, diff=diff)
        self.kind = rendered.kind
        self.a_text, self.b_text = rendered.a, rendered.b
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(ratio=1, overflow="fold")
        grid.add_column(width=2, no_wrap=True)
        grid.add_column(ratio=1, overflow="fold")
        grid.add_row(rendered.a, rendered.gutter, rendered.b)
        super().__init__(grid, classes=f"-{rendered.kind}" if rendered.kind else "")

    @property
    def is_difference(self) -> bool:
        """Rows that only one article has: what ``]`` and ``[`` jump between."""
        return self.row.kind in (ONLY_A, ONLY_B)

    @property
    def plain(self) -> tuple[str, str]:
        return self.a_text.plain, self.b_text.plain


class CompareRows(VerticalScroll, can_focus=True):
    """The rows, with a cursor row kept in view."""

    DEFAULT_CSS = """
    CompareRows {
        height: 1fr;
        background: $surface;
        scrollbar-gutter: stable;
    }
    CompareRows:focus { background-tint: $foreground 3%; }
    """

    cursor: int = 0

    def show(self, comparison: Comparison, *, diff: bool = True, cursor: int = 0) -> None:
        self.remove_children()
        rows = [CompareRow(comparison, row, n, diff=diff) for n, row in enumerate(comparison.rows)]
        if rows:
            self.mount_all(rows)
        else:
            self.mount(Static(Text("Neither article has any text to compare.", style="dim")))
        self.cursor = min(cursor, max(0, len(rows) - 1))
        self.call_after_refresh(self.move_to, self.cursor)

    @property
    def rows(self) -> list[CompareRow]:
        return list(self.query(CompareRow))

    def move_to(self, index: int, *, animate: bool = False) -> CompareRow | None:
        rows = self.rows
        if not rows:
            return None
        index = max(0, min(index, len(rows) - 1))
        if 0 <= self.cursor < len(rows):
            rows[self.cursor].remove_class("-cursor")
        self.cursor = index
        row = rows[index]
        row.add_class("-cursor")
        self.scroll_to_widget(row, animate=animate, top=False)
        return row

    def step_difference(self, direction: int) -> CompareRow | None:
        """Move to the next (+1) or previous (-1) row only one article has."""
        rows = self.rows
        order = (
            range(self.cursor + 1, len(rows)) if direction > 0 else range(self.cursor - 1, -1, -1)
        )
        for k in order:
            if rows[k].is_difference:
                return self.move_to(k)
        return None
