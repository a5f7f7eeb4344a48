"""Rich Text for a Comparison's rows, shared by ``reader compare`` and the compare screen.

Article text is data: every cell is built as ``rich.text.Text`` with styles applied by
offset, never through markup, so "[b]" in an article stays "[b]".
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from index.align import ONLY_A, ONLY_B, PARTIAL, SAME_FACT, SAME_QUOTE, AlignedPair, Comparison, Row

from .safe import sanitize

# One palette for the CLI and the app; colours carry meaning, the gutter repeats it
# in symbols for terminals without colour.
STYLES = {
    ONLY_A: Style(color="yellow"),
    ONLY_B: Style(color="magenta"),
    "changed": Style(bold=True, underline=True),
    "quote": Style(color="green", italic=True),
    "entity": Style(underline=True),
    "see": Style(dim=True, italic=True),
    "title": Style(bold=True),
}
GUTTER = {
    SAME_QUOTE: ("“ ", "green"),
    SAME_FACT: ("= ", "bold"),
    PARTIAL: ("≈ ", ""),
    ONLY_A: ("◂ ", "yellow"),
    ONLY_B: (" ▸", "magenta"),
}
KIND_LABEL = {
    SAME_QUOTE: "same quote",
    SAME_FACT: "same fact",
    PARTIAL: "partial",
    ONLY_A: "only in A",
    ONLY_B: "only in B",
}


@dataclass(frozen=True)
class RenderedRow:
    """What one display row shows: the two cells, a gutter mark and the row's kind."""

    a: Text
    b: Text
    gutter: Text
    kind: str  # same_quote / same_fact / partial / only_a / only_b / "" (aligned elsewhere)


def row_kind(c: Comparison, row: Row) -> str:
    if row.pair is not None:
        return c.pairs[row.pair].kind
    if row.kind in (ONLY_A, ONLY_B):
        return row.kind
    return ""  # one side of a pair shown on another row


def render_row(c: Comparison, row: Row, *, diff: bool = True, entities: bool = True) -> RenderedRow:
    pair = c.pairs[row.pair] if row.pair is not None else None
    kind = row_kind(c, row)
    a = (
        _cell(c, "a", row.a, pair, kind, diff, entities)
        if row.a is not None
        else _see("A", row.see_a)
    )
    b = (
        _cell(c, "b", row.b, pair, kind, diff, entities)
        if row.b is not None
        else _see("B", row.see_b)
    )
    mark, style = GUTTER.get(kind, ("· ", "dim"))
    return RenderedRow(a, b, Text(mark, style=style), kind)


def _cell(
    c: Comparison,
    side: str,
    idx: int,
    pair: AlignedPair | None,
    kind: str,
    diff: bool,
    entities: bool,
) -> Text:
    sentences = c.sentences_a if side == "a" else c.sentences_b
    marks = c.marks_a if side == "a" else c.marks_b
    sentence = sentences[idx]
    shown = sanitize(sentence.text)
    text = Text(shown)
    if kind in (ONLY_A, ONLY_B):
        text.stylize(STYLES[kind])
    if sentence.paragraph < 0:
        text.stylize(STYLES["title"])
    if shown != sentence.text:
        return text  # control characters were made visible: offsets no longer hold
    if pair is not None and diff:
        spans = pair.diff.a if side == "a" else pair.diff.b
        for span in spans:
            if span.kind == "changed":
                text.stylize(STYLES["changed"], span.start, span.end)
    for mark in marks[idx] if idx < len(marks) else ():
        if mark.kind == "quote":
            text.stylize(STYLES["quote"], mark.start, mark.end)
        elif entities and mark.kind.startswith("entity"):
            text.stylize(STYLES["entity"], mark.start, mark.end)
    return text


def _see(side: str, idx: int | None) -> Text:
    """The empty side of a row whose other sentence matches one shown on another row."""
    if idx is None:
        return Text("")
    return Text(f"(≈ {side} sentence {idx + 1}, shown on another row)", style=STYLES["see"])


def header(article, side: str, *, title: bool = False) -> Text:
    """ "A  Outlet · 2023-06-03 · file.txt", optionally followed by the headline."""
    from pathlib import Path

    out = Text(f" {side} ", style="bold reverse")
    meta = [x for x in (article.outlet, article.date) if x]
    meta.append(Path(article.path).name if article.path else article.id)
    out.append("  " + sanitize(" · ".join(meta)), style="bold")
    if title:
        out.append("\n" + sanitize(article.title or "(untitled)"), style="bold")
    return out


def legend() -> Text:
    out = Text()
    for kind in (SAME_FACT, SAME_QUOTE, PARTIAL, ONLY_A, ONLY_B):
        mark, style = GUTTER[kind]
        out.append(mark.strip() + " ", style=style)
        out.append(KIND_LABEL[kind] + "   ", style="dim")
    out.append("bold", style=STYLES["changed"])
    out.append(" = worded differently   ", style="dim")
    out.append("green", style=STYLES["quote"])
    out.append(" = quoted", style="dim")
    return out
