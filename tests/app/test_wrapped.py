"""The result rows' fast wrap: same line breaks as Rich, styles kept, never wider than the row."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from textual.style import Style

from reader.widgets.wrapped import WrappedText, wrap

WORDS = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz,.'", min_size=1, max_size=12),
    min_size=0,
    max_size=60,
)


def _rich_lines(text: str, width: int) -> list[str]:
    console = Console(width=200)
    return [line.plain.rstrip() for line in Text(text).wrap(console, width)]


def _strips(visual: WrappedText, width: int):
    return visual.render_strips(width, None, Style(), None)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(WORDS, st.integers(min_value=13, max_value=90))
def test_prose_breaks_where_rich_breaks(words, width):
    text = " ".join(words)
    ours = [text[a:b] for a, b, _ in wrap(text, width)]
    assert ours == _rich_lines(text, width)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab 界語é’-\u00a0"), max_size=120),
    st.integers(min_value=1, max_value=30),
)
def test_no_line_is_wider_than_the_row_and_no_text_is_lost(text, width):
    lines = wrap(text, width)
    for a, b, cells in lines:
        assert cell_len(text[a:b]) == cells
        assert cells <= width or b - a == 1  # a wide character alone on a 1-cell row
    # only whitespace at the breaks is dropped
    kept = "".join(text[a:b] for a, b, _ in lines)
    assert "".join(kept.split()) == "".join(text.split())


def test_a_word_longer_than_the_row_is_cut():
    assert [c for _, _, c in wrap("x" * 25, 10)] == [10, 10, 5]


def test_highlights_and_paragraph_styles_survive_the_wrap():
    text = Text("Glacier bridge opens", style="bold", end="")
    text.append("\n")
    snippet = Text("walkers crossed the glacier at dawn while the glacier groaned")
    for start in (20, 46):
        snippet.stylize("bold reverse", start, start + len("glacier"))
    text.append_text(snippet)
    strips = _strips(WrappedText(text), 24)
    rows = ["".join(seg.text for seg in strip) for strip in strips]
    assert rows == [
        "Glacier bridge opens",
        "walkers crossed the",
        "glacier at dawn while",
        "the glacier groaned",
    ]
    assert all(seg.style and seg.style.bold for seg in strips[0])
    lit = [seg.text for strip in strips for seg in strip if seg.style and seg.style.reverse]
    assert lit == ["glacier", "glacier"]
    assert all(strip.cell_length == cell_len(row) for strip, row in zip(strips, rows, strict=True))


def test_height_matches_the_drawn_lines_at_every_width():
    text = Text("One two three four five six seven\n\nafter a blank line")
    visual = WrappedText(text)
    for width in (1, 5, 12, 40):
        assert visual.get_height(None, width) == len(_strips(visual, width))
    assert visual.get_height(None, 40) == 3  # the blank line is kept
