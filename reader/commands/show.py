"""``reader show ID|PATH``: one article, cleaned (default) or as found in its file."""

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
    json_option,
    library_errors,
    print_json,
    resolve_corpus,
    stderr,
    stdout,
)


@click.command(
    name="show",
    epilog=f"""\b
KEY is an article id (as printed by reader search) or the path of an article file
(absolute, or relative to the corpus).  A file that is not indexed is read directly.

\b
Examples:
  reader show 3f2a9c1b7d40
  reader show seeds/001.txt --corpus ~/news
  reader show ~/news/a.txt --raw
  reader show 3f2a9c1b7d40 --json

{EXIT_CODES_HELP}""",
)
@click.argument("key")
@corpus_option
@index_option
@click.option("--raw", is_flag=True, help="Print the text as found in the file, before cleaning.")
@json_option
def command(
    key: str, corpus: tuple[Path, ...], index_dir: Path | None, raw: bool, as_json: bool
) -> None:
    """Print one article: title, metadata and clean paragraphs (or --raw text)."""
    article = _find(key, corpus, index_dir, quiet=as_json)
    if article is None:
        stderr().print(f"No article with id or path {key!r}.", style="red", markup=False)
        sys.exit(EXIT_NOTHING)
    if as_json:
        data = article.to_dict(raw=raw)
        data["body"] = article.body
        print_json(data)
        return
    _print(article, raw)


def _find(key: str, corpus: tuple[Path, ...], index_dir: Path | None, quiet: bool):
    """From the index when there is one; else, for an existing file, load it directly."""
    from index.errors import IndexNotFound
    from index.store import Library

    file = Path(key).expanduser()
    if not corpus and index_dir is None and file.is_file():
        from index.paths import last_corpus

        if last_corpus() is None:
            return _load_file(file)
    paths, index_dir, note = resolve_corpus(corpus, index_dir)
    if note and not quiet:
        stderr().print(note, style="dim")
    try:
        library = Library.open(paths, index_dir, readonly=True)
    except IndexNotFound:
        if file.is_file():
            return _load_file(file)
        with library_errors():
            raise
    with library_errors(), library:
        article = library.get(key)
    if article is None and file.is_file():
        return _load_file(file)
    return article


def _load_file(path: Path):
    from index.pipeline import load_file

    result = load_file(path.resolve())
    if isinstance(result, list):
        return result[0] if result else None
    fail(f"{path}: {result.reason}", code=EXIT_NOTHING)
    return None


def _print(article, raw: bool) -> None:
    from rich.text import Text

    from index.textsafe import sanitize

    out = stdout(soft_wrap=True)
    if raw:
        out.print(Text(sanitize(article.raw)))
        return
    out.print(Text(article.title or "(untitled)", style="bold"))
    meta = [
        ("outlet", article.outlet),
        ("date", article.date),
        ("dateline", article.dateline),
        ("byline", article.byline),
        ("url", article.url),
        ("id", article.id),
        ("file", article.path),
    ]
    for name, value in meta:
        if value:
            line = Text(f"{name}: ", style="dim")
            line.append(str(value))
            out.print(line)
    out.print()
    for para in article.paragraphs:
        out.print(Text(para))
        out.print()
    if article.copyright:
        out.print(Text(article.copyright, style="dim"))
