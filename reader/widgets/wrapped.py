"""Rich ``Text`` as a Textual Visual that wraps fast: the result rows' renderer.

Every search replaces the result rows, and Textual's general path (convert the Text
to Content, wrap it to measure its height, wrap it again to draw it, word by word
through Rich's wrapper) cost ~15 ms of each keystroke's results at 100x30, more
than the search itself.  Rows are a few short lines with a few styled runs, so a
greedy wrap over whole words with one width measurement per word does the same
job in a fraction of that.  Line breaks are computed once per width and reused by
``get_height`` and every render (highlighted or not).
"""

from __future__ import annotations

import re
from functools import lru_cache

from rich.cells import cell_len, chop_cells
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

_TOKEN = re.compile(r"\S+|\s+")

Run = tuple[int, int, RichStyle]  # start, end (offsets in a paragraph), style
Line = tuple[int, int, int, int]  # paragraph index, start, end, cells


def _width(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


@lru_cache(maxsize=256)
def _parse(style: str) -> RichStyle:
    return RichStyle.parse(style)


def _style(value: str | RichStyle) -> RichStyle:
    if isinstance(value, RichStyle):
        return value
    return _parse(value) if value else RichStyle.null()


def _runs(text: Text) -> list[tuple[str, list[Run]]]:
    """Each line of ``text`` with its styled runs (spans combined in order, like Rich)."""
    plain = text.plain
    base = _style(text.style)
    spans = [(s.start, s.end, _style(s.style)) for s in text.spans if s.end > s.start]
    out: list[tuple[str, list[Run]]] = []
    offset = 0
    for para in plain.split("\n"):
        end = offset + len(para)
        inside = [(max(a, offset), min(b, end), st) for a, b, st in spans if a < end and b > offset]
        cuts = sorted({offset, end, *(a for a, _, _ in inside), *(b for _, b, _ in inside)})
        runs: list[Run] = []
        for a, b in zip(cuts, cuts[1:], strict=False):
            style = base
            for s0, s1, st in inside:
                if s0 <= a and s1 >= b:
                    style = style + st
            runs.append((a - offset, b - offset, style))
        out.append((para, runs))
        offset = end + 1
    return out


def wrap(text: str, width: int) -> list[tuple[int, int, int]]:
    """Greedy word wrap of one line of text: (start, end, cells) of each output line.

    Spaces at a break are dropped; a word wider than the line is cut by cells.
    """
    width = max(1, width)
    lines: list[tuple[int, int, int]] = []
    start = end = cells = 0
    for m in _TOKEN.finditer(text):
        token = m.group()
        if token[0].isspace():
            if cells:
                cells += _width(token)
                end = m.end()
            else:
                start = end = m.end()  # no leading spaces on a wrapped line
            continue
        size = _width(token)
        if cells and cells + size > width:
            lines.append(_trimmed(text, start, end))
            start, cells = m.start(), 0
        elif not cells:
            start = m.start()
        if size > width:  # a word longer than the line: cut it by cells
            pos = m.start()
            for piece in chop_cells(token, width):
                piece_cells = _width(piece)
                if piece_cells + cells > width and cells:
                    lines.append(_trimmed(text, start, pos))
                    start, cells = pos, 0
                pos += len(piece)
                cells += piece_cells
            end = pos
            continue
        cells += size
        end = m.end()
    if cells or not lines:
        lines.append(_trimmed(text, start, end))
    return lines


def _trimmed(text: str, start: int, end: int) -> tuple[int, int, int]:
    line = text[start:end].rstrip()
    return start, start + len(line), _width(line)


class WrappedText(Visual):
    """A Rich Text drawn by a fast greedy word wrap (see the module docstring)."""

    def __init__(self, text: Text) -> None:
        self.text = text
        self._paragraphs = _runs(text)
        self._lines: dict[int, list[Line]] = {}

    def lines(self, width: int) -> list[Line]:
        found = self._lines.get(width)
        if found is None:
            found = []
            for i, (para, _) in enumerate(self._paragraphs):
                found.extend((i, a, b, c) for a, b, c in wrap(para, width))
            self._lines[width] = found
        return found

    def get_optimal_width(self, rules, container_width: int) -> int:  # type: ignore[no-untyped-def]
        return max((_width(para) for para, _ in self._paragraphs), default=0)

    def get_height(self, rules, width: int) -> int:  # type: ignore[no-untyped-def]
        return len(self.lines(width))

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        base = style.rich_style
        strips = []
        for i, start, end, cells in self.lines(width):
            para, runs = self._paragraphs[i]
            segments = [
                Segment(para[max(a, start) : min(b, end)], base + run_style)
                for a, b, run_style in runs
                if a < end and b > start
            ]
            strips.append(Strip(segments, cells))
        if height is not None:
            strips = strips[:height]
        return strips
