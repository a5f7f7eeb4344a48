"""``reader search QUERY``: ranked hits with highlighted snippets, facets, did-you-mean."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ._common import (
    EXIT_CODES_HELP,
    EXIT_NOTHING,
    corpus_option,
    index_option,
    json_option,
    library_errors,
    open_readonly,
    print_json,
    resolve_corpus,
    stderr,
    stdout,
)

FACETS_SHOWN = 5


@click.command(
    name="search",
    epilog=f"""\b
Query syntax (Whoosh): words are ANDed; also OR, NOT, (groups), "exact phrase",
prefix*, fuzzy~, title:word, outlet:HuffPost, entity:"North Korea", story:ID,
date:2023-06, date:[2023-06-01 to 2023-06-30].  An empty query ('') lists the
newest articles.

\b
Examples:
  reader search missile
  reader search '"defense ministers" AND japan' --sort date
  reader search 'entity:"North Korea" date:2023' --limit 5
  reader search trump --corpus ~/news/basil --outlet HuffPost --json

{EXIT_CODES_HELP}""",
)
@click.argument("query")
@corpus_option
@index_option
@json_option
@click.option(
    "--limit",
    "-n",
    default=10,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Hits to show.",
)
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date"]),
    default="relevance",
    show_default=True,
    help="Rank by relevance or newest first.",
)
@click.option(
    "--outlet", default=None, help="Only articles from this outlet (exact name, any case)."
)
@click.option(
    "--date", "date", default=None, help="Only this year, month or day: 2023, 2023-06, 2023-06-05."
)
@click.option(
    "--entity", default=None, help='Only articles mentioning this entity ("North Korea").'
)
def command(
    query: str,
    corpus: tuple[Path, ...],
    index_dir: Path | None,
    as_json: bool,
    limit: int,
    sort: str,
    outlet: str | None,
    date: str | None,
    entity: str | None,
) -> None:
    """Search the index for QUERY and print ranked hits with highlighted snippets."""
    paths, index_dir, note = resolve_corpus(corpus, index_dir)
    if note and not as_json:
        stderr().print(note, style="dim")
    filters = {k: v for k, v in {"outlet": outlet, "date": date, "entity": entity}.items() if v}
    library = open_readonly(paths, index_dir)
    with library_errors(), library:
        results = library.search(query, limit=limit, sort=sort, filters=filters)
    if as_json:
        print_json(_as_dict(results))
    else:
        _print(results)
    if not results.hits:
        sys.exit(EXIT_NOTHING)


def _as_dict(results) -> dict:
    return {
        "query": results.query,
        "total": results.total,
        "suggestion": results.suggestion,
        "message": results.message,
        "terms": list(results.terms),
        "elapsed_ms": round(results.elapsed_ms, 2),
        "facets": {k: [[v, n] for v, n in items] for k, items in results.facets.items()},
        "hits": [
            {
                "rank": h.rank,
                "id": h.id,
                "title": h.title,
                "outlet": h.outlet,
                "date": h.date,
                "path": h.path,
                "url": h.url,
                "story": h.story,
                "score": round(h.score, 4),
                "snippet": {
                    "text": h.snippet.text,
                    "spans": [[s.start, s.end] for s in h.snippet.spans],
                },
            }
            for h in results.hits
        ],
    }


def _print(results) -> None:
    from rich.text import Text

    out = stdout()
    if results.message:
        out.print(Text(results.message, style="yellow"))
    if results.suggestion:
        line = Text("Did you mean: ")
        line.append(results.suggestion, style="bold")
        line.append("?")
        out.print(line)
    for h in results.hits:
        head = Text(f"{h.rank:>3}. ", style="dim")
        head.append(h.title or "(untitled)", style="bold")
        out.print(head)
        meta = " · ".join(x for x in (h.outlet, h.date, h.id) if x)
        out.print(Text("     " + meta, style="cyan"))
        if h.snippet.text:
            snippet = Text("     ")
            snippet.append_text(h.snippet.to_rich(style="bold reverse"))
            out.print(snippet)
        out.print(Text("     " + h.path, style="dim"))
    shown = len(results.hits)
    noun = "article" if results.total == 1 else "articles"
    out.print(
        Text(
            f"{results.total} {noun} matched; showing {shown} ({results.elapsed_ms:.0f} ms)",
            style="dim",
        )
    )
    for name, items in results.facets.items():
        if items and results.total:
            top = ", ".join(f"{v} ({n})" for v, n in items[:FACETS_SHOWN])
            out.print(Text(f"{name}: {top}", style="dim"))
