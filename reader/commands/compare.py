"""``reader compare A B``: align two articles sentence by sentence by what they report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ._common import (
    EXIT_CODES_HELP,
    EXIT_NOTHING,
    corpus_option,
    fail,
    index_option,
    library_errors,
    print_json,
    resolve_corpus,
    stderr,
    stdout,
)


@click.command(
    name="compare",
    epilog=f"""\b
A and B are article files (.txt, .md, .html, .json; for a multi-article .jsonl file
write PATH#ID) or article ids from the index (as printed by reader search).
Files are read directly; ids need an index (reader index PATH).

\b
The table shows A's sentences in order with B's sentences beside the ones that
report the same thing; rows with one side empty are what only one article says.
  =  same fact     “  same quote     ≈  partial overlap
  ◂  only in A     ▸  only in B      bold = worded differently

\b
Examples:
  reader compare ~/news/ap.txt ~/news/reuters.txt
  reader compare 3f2a9c1b7d40 9d0e1c2b3a4f --corpus ~/news
  reader compare a.txt b.txt --markdown > diff.md
  reader compare a.txt b.txt --json | jq .summary

{EXIT_CODES_HELP}""",
)
@click.argument("a")
@click.argument("b")
@corpus_option
@index_option
@click.option("--json", "fmt", flag_value="json", help="Print the alignment as JSON.")
@click.option(
    "--markdown", "fmt", flag_value="markdown", help="Print the alignment as a Markdown table."
)
@click.option("--no-diff", is_flag=True, help="Do not mark differently worded words.")
def command(
    a: str, b: str, corpus: tuple[Path, ...], index_dir: Path | None, fmt: str | None, no_diff: bool
) -> None:
    """Compare two articles: shared facts and quotes side by side, and what only one has."""
    from index.align import compare

    library = _LazyLibrary(corpus, index_dir, quiet=fmt is not None)
    try:
        left, right = library.article(a), library.article(b)
        comparison = compare(left, right, idf=library.idf)
    finally:
        library.close()
    if fmt == "json":
        print_json(comparison.to_dict())
    elif fmt == "markdown":
        click.echo(to_markdown(comparison))
    else:
        print_table(comparison, diff=not no_diff)


class _LazyLibrary:
    """Resolves A and B: files first, then ids in the index (opened only if needed)."""

    def __init__(self, corpus: tuple[Path, ...], index_dir: Path | None, quiet: bool) -> None:
        self.corpus, self.index_dir, self.quiet = corpus, index_dir, quiet
        self._library = None

    def article(self, key: str):
        found = _from_file(key)
        if found is not None:
            return found
        library = self._open(key)
        with library_errors():
            article = library.get(key)
        if article is None:
            stderr().print(f"No article with id or path {key!r}.", style="red", markup=False)
            sys.exit(EXIT_NOTHING)
        return article

    def _open(self, key: str):
        if self._library is None:
            from index.errors import IndexNotFound
            from index.store import Library

            paths, index_dir, note = resolve_corpus(self.corpus, self.index_dir)
            if note and not self.quiet:
                stderr().print(note, style="dim")
            with library_errors():  # other index errors: one line, no traceback
                try:
                    self._library = Library.open(paths, index_dir, readonly=True)
                except IndexNotFound:
                    fail(
                        f"{key!r} is not a file, and there is no index to look it up in; "
                        "run: reader index PATH"
                    )
        return self._library

    @property
    def idf(self):
        """The index's word rarity when an index was opened, else None (wordfreq)."""
        return self._library.idf if self._library is not None else None

    def close(self) -> None:
        if self._library is not None:
            self._library.close()


def _from_file(key: str):
    """The article in file ``key`` (``PATH#ID`` picks one record of a multi-article file)."""
    from index.pipeline import load_file

    path, _, record = key.partition("#")
    file = Path(path).expanduser()
    if not file.is_file():
        return None
    result = load_file(file.resolve())
    if not isinstance(result, list):
        fail(f"{file}: {result.reason}", code=EXIT_NOTHING)
    if record:
        for article in result:
            if article.source_id == record or article.id == record:
                return article
        fail(
            f"{file}: no record {record!r} (records: {', '.join(a.source_id or a.id for a in result[:5])}…)",
            code=EXIT_NOTHING,
        )
    if len(result) > 1 and not record:
        stderr().print(
            f"{file} holds {len(result)} articles; comparing the first (use {file}#ID for another).",
            style="dim",
            markup=False,
        )
    return result[0]


def print_table(comparison, *, diff: bool = True) -> None:
    from rich.table import Table
    from rich.text import Text

    from index.textsafe import sanitize
    from reader.widgets.compare_render import header, legend, render_row

    out = stdout()
    table = Table(show_lines=False, expand=True, pad_edge=False, box=None, padding=(0, 1))
    table.add_column(header(comparison.a, "A"), ratio=1, overflow="fold")
    table.add_column("", width=2, no_wrap=True)
    table.add_column(header(comparison.b, "B"), ratio=1, overflow="fold")
    for n, row in enumerate(comparison.rows):
        cells = render_row(comparison, row, diff=diff)
        if n:
            table.add_row("", "", "")
        table.add_row(cells.a, cells.gutter, cells.b)
    out.print(table)
    out.print()
    summary = Text(comparison.summary(), style="bold")
    summary.append(f"   similarity {comparison.similarity:.0%}", style="dim")
    out.print(summary)
    if comparison.entities_both or comparison.entities_a_only or comparison.entities_b_only:
        for label, names in (
            ("names in both", comparison.entities_both),
            ("only in A", comparison.entities_a_only),
            ("only in B", comparison.entities_b_only),
        ):
            if names:
                line = Text(f"{label}: ", style="dim")
                line.append(sanitize(", ".join(names[:20])) + (" …" if len(names) > 20 else ""))
                out.print(line)
    out.print(legend())


def to_markdown(comparison) -> str:
    """A Markdown table: one row per display row, kind in the middle column."""
    from reader.widgets.compare_render import KIND_LABEL, row_kind

    def cell(side: str, idx: int | None) -> str:
        if idx is None:
            return ""
        sentences = comparison.sentences_a if side == "a" else comparison.sentences_b
        return _md_escape(sentences[idx].text)

    def head(article) -> str:
        meta = " · ".join(x for x in (article.outlet, article.date) if x)
        return _md_escape(f"{article.title or article.path}" + (f" ({meta})" if meta else ""))

    lines = [
        f"# Comparison: {comparison.summary()}",
        "",
        f"| A: {head(comparison.a)} | | B: {head(comparison.b)} |",
        "|---|---|---|",
    ]
    for row in comparison.rows:
        kind = row_kind(comparison, row)
        a = cell("a", row.a) or (f"*≈ B {row.see_b + 1}*" if row.see_b is not None else "")
        b = cell("b", row.b) or (f"*≈ A {row.see_a + 1}*" if row.see_a is not None else "")
        lines.append(f"| {a} | {KIND_LABEL.get(kind, '')} | {b} |")
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    from index.textsafe import sanitize

    return sanitize(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
