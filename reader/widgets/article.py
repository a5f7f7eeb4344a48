"""The reading view: one clean article with its metadata, query matches and entities painted.

Each paragraph is its own ``Static`` so moving the current match only repaints two
paragraphs, and jumping to a match scrolls to the wrapped line that holds it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from .highlight import ENTITY_COLORS, ENTITY_NAMES, Match, entity_color, find_matches
from .safe import safe_text, styled_text

if TYPE_CHECKING:
    from index.model import Article, Mention

MATCH_STYLE = Style(bold=True, reverse=True)
CURRENT_STYLE = Style(bold=True, color="black", bgcolor="yellow")


def source_label(article: Article, roots: Sequence[Path] = ()) -> str:
    """URL if known, else the source path shown relative to its corpus folder
    (plus the record id for files that hold many articles)."""
    if article.url:
        return article.url
    path = Path(article.path)
    label = article.path
    for root in roots:
        try:
            rel = path.resolve().relative_to(root.resolve())
        except (ValueError, OSError):
            continue
        label = str(Path(root.name) / rel)
        break
    if article.source_id and article.format in ("jsonl", "rss"):
        label += f" (record {article.source_id})"
    return label


def _line_of(text: str, offset: int, width: int) -> int:
    """Which wrapped line (0-based) of ``text`` holds ``offset`` at ``width`` cells."""
    if width <= 0:
        return 0
    try:
        from rich._wrap import divide_line

        return bisect_right(divide_line(text, width, fold=True), offset)
    except Exception:  # a private helper moved: fall back to a close estimate
        return len(text[:offset]) // width


class TextBlock(Static):
    """A Static that shows Rich Text and remembers it (``shown``) for repaints and tests."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(markup=False, id=id, classes=classes)
        self.shown = Text()

    def show(self, text: Text) -> None:
        self.shown = text
        self.update(text)


class Paragraph(TextBlock):
    """One paragraph of article text (never parsed as markup)."""

    DEFAULT_CSS = "Paragraph { margin-bottom: 1; }"


class ArticleView(VerticalScroll, can_focus=True):
    """Scrollable article body; vim keys scroll, the screen drives matches and entities."""

    BINDINGS = [
        Binding("j,down", "scroll_down", "Down", show=False, id="reading.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="reading.up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="reading.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="reading.bottom"),
        Binding(
            "ctrl+d,space", "half_page(1)", "Half page down", show=False, id="reading.half_down"
        ),
        Binding("ctrl+u", "half_page(-1)", "Half page up", show=False, id="reading.half_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="reading.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="reading.page_up"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.matches: list[Match] = []
        self.mentions: list[Mention] = []
        self.show_entities = True
        self.current: Match | None = None
        self._roots: tuple[Path, ...] = ()
        self._subheadings: set[str] = set()

    # -- content ---------------------------------------------------------------------

    def show(
        self,
        article: Article,
        terms: Sequence[str] = (),
        roots: Sequence[Path] = (),
        query: str = "",
    ) -> None:
        """Show ``article`` (once per view), highlighting the query words ``terms``."""
        self.article = article
        self._roots = tuple(roots)
        self._subheadings = set(article.subheadings)
        self.matches = find_matches(article, terms, query)
        self.mentions = []
        self.current = None
        self.remove_children()
        widgets = [TextBlock(id="article-header"), TextBlock(id="legend")]
        widgets += [Paragraph(classes="para") for _ in article.paragraphs]
        if not article.paragraphs:
            widgets.append(Static(Text("(This article has no body text.)", style="italic")))
        self.mount_all(widgets)
        self._paint_all()
        self.scroll_home(animate=False)

    def set_mentions(self, mentions: Sequence[Mention]) -> None:
        self.mentions = list(mentions)
        self._paint_all()

    def set_show_entities(self, on: bool) -> None:
        self.show_entities = on
        self._paint_all()

    # -- painting --------------------------------------------------------------------

    def _spans(self, paragraph: int) -> list[tuple[int, int, Style | str]]:
        spans: list[tuple[int, int, Style | str]] = []
        if self.show_entities:
            for m in self.mentions:
                if m.paragraph == paragraph:
                    spans.append(
                        (
                            m.start,
                            m.end,
                            Style(color=entity_color(m.type), bold=True, underline=True),
                        )
                    )
        for m in self.matches:
            if m.paragraph == paragraph:
                spans.append((m.start, m.end, MATCH_STYLE))
        cur = self.current
        if cur is not None and cur.paragraph == paragraph:
            spans.append((cur.start, cur.end, CURRENT_STYLE))
        return spans

    def _paragraph_text(self, index: int) -> Text:
        assert self.article is not None
        text = self.article.paragraphs[index]
        style = "bold" if text in self._subheadings else ""
        return styled_text(text, self._spans(index), style=style)

    def _header_text(self) -> Text:
        a = self.article
        assert a is not None
        out = styled_text(a.title or "(untitled)", self._spans(-1), style="bold")
        meta = [x for x in (a.outlet, a.date) if x]
        if meta:
            out.append("\n")
            out.append_text(safe_text(" · ".join(meta), style="italic"))
        for label, value in (("Dateline", a.dateline), ("By", a.byline)):
            if value:
                out.append(f"\n{label}: ", style="dim")
                out.append_text(safe_text(value))
        if a.copyright:  # already worded as a notice ("© 2025 …")
            out.append("\n")
            out.append_text(safe_text(a.copyright, style="dim"))
        out.append("\nSource: ", style="dim")
        out.append_text(safe_text(source_label(a, self._roots), style="underline"))
        if self.matches:
            out.append(
                f"\n{len(self.matches)} match{'es' if len(self.matches) != 1 else ''}", style="dim"
            )
            out.append(" · n/N to jump", style="dim")
        return out

    def _legend_text(self) -> Text:
        kinds = [k for k in ENTITY_COLORS if any(m.type == k for m in self.mentions)]
        kinds += sorted({m.type for m in self.mentions} - set(ENTITY_COLORS))
        out = Text("Entities: ", style="dim", end="")
        for i, kind in enumerate(kinds):
            if i:
                out.append("  ")
            out.append("■ ", style=entity_color(kind))
            out.append(ENTITY_NAMES.get(kind, kind.lower()))
        return out

    def _paint_all(self) -> None:
        if self.article is None:
            return
        self.query_one("#article-header", TextBlock).show(self._header_text())
        legend = self.query_one("#legend", TextBlock)
        legend.display = bool(self.show_entities and self.mentions)
        legend.show(self._legend_text())
        for i, para in enumerate(self.query(Paragraph)):
            para.show(self._paragraph_text(i))

    def _repaint(self, paragraph: int) -> None:
        if paragraph < 0:
            self.query_one("#article-header", TextBlock).show(self._header_text())
            return
        paras = list(self.query(Paragraph))
        if 0 <= paragraph < len(paras):
            paras[paragraph].show(self._paragraph_text(paragraph))

    # -- navigation ------------------------------------------------------------------

    def focus_span(self, target: Match | None) -> None:
        """Mark ``target`` as the current span and scroll it into the middle of the view."""
        previous, self.current = self.current, target
        if previous is not None:
            self._repaint(previous.paragraph)
        if target is None:
            return
        self._repaint(target.paragraph)
        self.call_after_refresh(self._scroll_to_span, target)

    def _scroll_to_span(self, target: Match) -> None:
        assert self.article is not None
        if target.paragraph < 0:
            self.scroll_home(animate=False)
            return
        paras = list(self.query(Paragraph))
        if target.paragraph >= len(paras):
            return
        widget = paras[target.paragraph]
        text = self.article.paragraphs[target.paragraph]
        line = _line_of(text, target.start, widget.content_region.width)
        y = widget.virtual_region.y + line
        self.scroll_to(y=max(0, y - self.scrollable_content_region.height // 3), animate=False)

    def step_match(self, direction: int) -> Match | None:
        """Move to the next (+1) or previous (-1) match, wrapping around."""
        if not self.matches:
            return None
        if self.current is None or self.current not in self.matches:
            if direction > 0:
                after = [m for m in self.matches if self.current is None or m > self.current]
                target = after[0] if after else self.matches[0]
            else:
                before = [m for m in self.matches if self.current is not None and m < self.current]
                target = before[-1] if before else self.matches[-1]
        else:
            i = self.matches.index(self.current)
            target = self.matches[(i + direction) % len(self.matches)]
        self.focus_span(target)
        return target

    def action_half_page(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height // 2)
        self.scroll_relative(y=direction * step, animate=False)
