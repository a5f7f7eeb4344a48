"""Split article text into paragraphs: one per line, or hard-wrapped blocks joined.

Saved web pages put one paragraph per line.  Plain-text and Markdown files are often
hard-wrapped at ~72-80 columns with blank lines between paragraphs; there a block's
lines are joined (a hyphen that ended a line is resolved by ``index.dehyphen``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dehyphen import join_lines
from .textsafe import sanitize

# Invisible characters that only get in the way: soft hyphen, zero-width space/joiner, BOM.
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")
_LINE_SEPARATORS = re.compile("[\u2028\u2029\x85]")
_TERMINAL = ".!?:;"
CLOSERS = "\"'”’»)]*_"
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_MD_LIST = re.compile(r"^(?:[-*+]\s|\d{1,3}[.)]\s|>\s?)")
_MD_LINK = re.compile(r"!?\[([^\]\n]{0,300})\]\([^)\s]{0,500}(?:\s+\"[^\"\n]{0,200}\")?\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.{1,300}?)(?<=\S)\1")

WRAP_WIDTH = 110  # lines longer than this are never hard-wrapped prose
MIN_WRAP_WIDTH = 30  # wrapped prose fills its lines; a list of words does not


@dataclass(frozen=True)
class Paragraph:
    text: str
    heading: bool = False  # a Markdown heading ("# ..."): a title or crosshead for sure


def prepare(text: str) -> str:
    """Terminal-safe text with unified newlines and no invisible characters."""
    text = sanitize(text)
    text = _LINE_SEPARATORS.sub("\n", text)
    return _INVISIBLE.sub("", text)


def normalize(line: str) -> str:
    """One line with runs of whitespace (including NBSP) collapsed and ends trimmed."""
    return " ".join(line.split())


def ends_sentence(text: str) -> bool:
    """Does the text end like a sentence (terminal punctuation before closing quotes)?"""
    stripped = text.rstrip(CLOSERS + " ")
    return bool(stripped) and stripped[-1] in _TERMINAL


def _is_wrapped(blocks: list[list[str]]) -> bool:
    """Hard-wrapped prose: most blocks span several lines that fill a fixed width.

    A caption printed on the line above its paragraph makes a two-line block too,
    but such blocks are the exception and their first lines vary in length.
    """
    multi = [block for block in blocks if len(block) > 1]
    inner = [ln for block in multi for ln in block[:-1]]
    if len(inner) < 2 or len(multi) * 2 < len(blocks):
        return False
    width = max(len(ln) for ln in inner)
    if width > WRAP_WIDTH or max(len(ln) for block in blocks for ln in block) > WRAP_WIDTH * 2:
        return False
    filled = sum(1 for ln in inner if len(ln) >= 0.6 * width and not ends_sentence(ln))
    typical = sorted(len(ln) for ln in inner)[len(inner) // 2]
    return filled >= 0.5 * len(inner) and typical >= MIN_WRAP_WIDTH


def split_paragraphs(text: str, *, markdown: bool = False) -> list[Paragraph]:
    """Paragraphs of prepared text (see ``prepare``), whitespace-normalised, none empty."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in text.split("\n"):
        line = normalize(raw)
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    wrapped = _is_wrapped(blocks)
    out: list[Paragraph] = []
    for block in blocks:
        if not wrapped:
            out.extend(_md(line) if markdown else Paragraph(line) for line in block)
            continue
        buf: list[str] = []
        for line in block:
            if (
                buf
                and markdown
                and (_MD_HEADING.match(line) or _MD_LIST.match(line) or _MD_HEADING.match(buf[0]))
            ):
                out.append(_md(join_lines(buf)))
                buf = []
            buf.append(line)
        if buf:
            text_ = join_lines(buf)
            out.append(_md(text_) if markdown else Paragraph(text_))
    return [p for p in out if p.text]


def _md(line: str) -> Paragraph:
    """A Markdown line as plain text: heading marks, link targets and emphasis removed.

    Repeated until nothing changes, so nested marks ("# # x", "[[a](b)](c)") end up
    as plain text and cleaning the result again leaves it alone.
    """
    heading = False
    for _ in range(8):
        before = line
        if _MD_HEADING.match(line):
            heading = True
            line = _MD_HEADING.sub("", line).rstrip("# ").strip()
        if "](" in line:
            line = _MD_LINK.sub(r"\1", line)
        if "**" in line or "__" in line:
            line = _MD_EMPHASIS.sub(r"\2", line)
        if line == before:
            break
    return Paragraph(normalize(line), heading)
