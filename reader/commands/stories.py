"""``reader stories [PATH...]``: groups of articles that report the same event."""

from __future__ import annotations

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
    name="stories",
    epilog=f"""\b
With PATHs, the articles are read from those files and folders; without, from the
index of the corpus (--corpus, or the last corpus indexed).

\b
A story is every report of one event: articles are grouped by the words and names
they share, and only when their dates are within --window days of each other.

\b
Examples:
  reader stories ~/news/korea
  reader stories ~/news/korea --min-size 2
  reader stories --json > stories.json

{EXIT_CODES_HELP}""",
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@corpus_option
@index_option
@click.option(
    "--min-size",
    default=1,
    show_default=True,
    metavar="N",
    help="Only list stories with at least N articles.",
)
@click.option(
    "--window",
    default=14,
    show_default=True,
    metavar="DAYS",
    help="Reports further apart than this are different events.",
)
@json_option
def command(
    paths: tuple[Path, ...],
    corpus: tuple[Path, ...],
    index_dir: Path | None,
    min_size: int,
    window: int,
    as_json: bool,
) -> None:
    """List stories: groups of articles reporting the same event, largest first."""
    from index.stories import group_stories

    if window < 1:
        fail("--window must be at least 1 day")
    articles = (
        _from_files(paths, quiet=as_json)
        if paths
        else _from_index(corpus, index_dir, quiet=as_json)
    )
    if not articles:
        stderr().print("No articles found.", style="red")
        raise SystemExit(EXIT_NOTHING)
    stories = group_stories(articles, window_days=window)
    shown = [s for s in stories if len(s.article_ids) >= min_size]
    by_id = {a.id: a for a in articles}
    if as_json:
        print_json(
            [
                {
                    "id": s.id,
                    "label": s.label,
                    "date": s.date,
                    "articles": [_summary(by_id[i]) for i in s.article_ids],
                }
                for s in shown
            ]
        )
        return
    _print(shown, by_id, total=len(stories), articles=len(articles))


def _from_files(paths: tuple[Path, ...], quiet: bool) -> list:
    from index.model import Skipped
    from index.pipeline import load_articles

    articles, skipped = [], []
    for item in load_articles(paths):
        (skipped if isinstance(item, Skipped) else articles).append(item)
    if skipped and not quiet:
        stderr().print(
            f"Skipped {len(skipped)} file(s); first: {skipped[0].path}: {skipped[0].reason}",
            style="dim",
            markup=False,
        )
    return articles


def _from_index(corpus: tuple[Path, ...], index_dir: Path | None, quiet: bool) -> list:
    from index.store import Library

    roots, index_dir, note = resolve_corpus(corpus, index_dir)
    if note and not quiet:
        stderr().print(note, style="dim", markup=False)
    with library_errors():
        library = Library.open(roots, index_dir, readonly=True)
        with library:
            return list(library.articles())


def _summary(article) -> dict:
    return {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "date": article.date,
        "path": article.path,
    }


def _print(stories, by_id, *, total: int, articles: int) -> None:
    from rich.text import Text

    from index.textsafe import sanitize

    out = stdout()
    for s in stories:
        head = Text(f"{len(s.article_ids):3d}  ", style="bold cyan")
        head.append(sanitize(s.label or "(untitled)"), style="bold")
        head.append(f"   {s.date or 'undated'} · {s.id}", style="dim")
        out.print(head)
        for i in s.article_ids:
            a = by_id[i]
            line = Text("      ")
            line.append(f"{a.date or '—':10s} ", style="dim")
            line.append(sanitize(f"{(a.outlet or Path(a.path).name)[:18]:18s} "), style="cyan")
            line.append(sanitize(a.title or "(untitled)"))
            line.append(f"  {a.id}", style="dim")
            out.print(line, overflow="ellipsis", no_wrap=True)
    multi = sum(1 for s in stories if len(s.article_ids) > 1)
    out.print(
        Text(
            f"\n{total} stories from {articles} articles; {multi} of those shown cover more than one article.",
            style="dim",
        )
    )
