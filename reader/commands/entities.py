"""``reader entities [PATH...]``: the corpus' people, places and organisations, merged.

Reads the articles directly (``index.pipeline.load_articles``), recognises entities
and merges them across articles (``index.entities.EntityIndex``), then prints one
row per entity: canonical name, type, aliases with counts, and where it appears.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ._common import (
    EXIT_CODES_HELP,
    EXIT_NOTHING,
    fail,
    json_option,
    print_json,
    resolve_corpus,
    stderr,
    stdout,
)

TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC", "LAW")


@click.command(
    name="entities",
    epilog=f"""\b
Types: PERSON, ORG (organisation), GPE (country/city), LOC (other place), NORP
(nationality or group), EVENT, FAC (facility or named object), LAW (law/agreement).
Aliases come from countryinfo and from aliases.toml files: run with --aliases to see
where yours goes and how to write it.

\b
Examples:
  reader entities ~/news/korea
  reader entities ~/news/korea --type PERSON --type ORG
  reader entities ~/news/korea --min-articles 2 --limit 20
  reader entities ~/news/korea --json > entities.json
  reader entities --aliases

{EXIT_CODES_HELP}""",
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice(TYPES, case_sensitive=False),
    help="Only entities of this type (repeatable).",
)
@click.option(
    "--min-articles",
    default=1,
    show_default=True,
    type=click.IntRange(1),
    help="Only entities named in at least N articles.",
)
@click.option(
    "--limit",
    "-n",
    default=50,
    show_default=True,
    type=click.IntRange(0),
    help="Rows to print (0 = all; --json prints all).",
)
@click.option(
    "--backend",
    type=click.Choice(["auto", "rules", "spacy"]),
    default=None,
    help="Recogniser: built-in rules, spaCy if installed, or auto (default; $READER_NER).",
)
@click.option("--per-article", is_flag=True, help="Also list each entity's mentions per article.")
@click.option(
    "--aliases", "show_aliases", is_flag=True, help="Print the alias files in use and exit."
)
@json_option
def command(
    paths: tuple[Path, ...],
    types: tuple[str, ...],
    min_articles: int,
    limit: int,
    backend: str | None,
    per_article: bool,
    show_aliases: bool,
    as_json: bool,
) -> None:
    """List the entities of the articles in PATH (default: the last corpus indexed)."""
    if show_aliases:
        _print_alias_files(as_json)
        return
    from index.entities import EntityIndex, active_backend, set_backend

    if backend:
        set_backend(backend)
    if not paths:
        paths, _index_dir, note = resolve_corpus((), None)
        if note and not as_json:
            stderr().print(note, style="dim")
    for p in paths:
        if not p.exists():
            fail(f"no such file or folder: {p}")
    articles, skipped = _load(paths, quiet=as_json)
    _warn_aliases()
    if not articles:
        fail(
            f"no readable articles in {', '.join(str(p) for p in paths)} ({len(skipped)} file(s) skipped)"
        )
    index = EntityIndex.build(articles)
    wanted = {t.upper() for t in types}
    entities = [
        e for e in index.entities(min_articles=min_articles) if not wanted or e.type in wanted
    ]
    labels = {a.id: _label(a) for a in articles}
    if as_json:
        print_json(
            {
                "backend": active_backend(),
                "articles": {a.id: {"path": a.path, "title": a.title} for a in articles},
                "entities": [
                    {
                        "id": e.id,
                        "canonical": e.canonical,
                        "type": e.type,
                        "aliases": e.aliases,
                        "mentions": e.mentions,
                        "articles": e.counts,
                        **({"related": e.related} if e.related else {}),
                    }
                    for e in entities
                ],
                "skipped": [{"path": s.path, "reason": s.reason} for s in skipped],
            }
        )
    else:
        _print_table(entities, labels, limit, len(articles), active_backend(), per_article)
    if not entities:
        sys.exit(EXIT_NOTHING)


def _load(paths: tuple[Path, ...], quiet: bool):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from index.model import Skipped
    from index.pipeline import load_articles

    articles, skipped = [], []
    with Progress(
        TextColumn("Reading"),
        BarColumn(),
        MofNCompleteColumn(),
        console=stderr(),
        transient=True,
        disable=quiet,
    ) as progress:
        task = progress.add_task("read", total=None)
        for item in load_articles(paths):
            if isinstance(item, Skipped):
                skipped.append(item)
            else:
                articles.append(item)
            progress.advance(task)
    if skipped and not quiet:
        stderr().print(
            f"{len(skipped)} file(s) skipped (run reader doctor for reasons).", style="dim"
        )
    return articles, skipped


def _label(article) -> str:
    name = Path(article.path).name
    return f"{name}#{article.source_id}" if article.source_id else name


def _print_table(
    entities, labels: dict[str, str], limit: int, n_articles: int, backend: str, per_article: bool
) -> None:
    from rich.table import Table
    from rich.text import Text

    from index.entities import TYPE_STYLES

    shown = entities if limit == 0 else entities[:limit]
    caption = f"recogniser: {backend}"
    if len(shown) < len(entities):
        caption += f"; showing {len(shown)} (--limit 0 for all)"
    table = Table(title=f"{len(entities)} entities in {n_articles} articles", caption=caption)
    table.add_column("Entity", ratio=2)
    table.add_column("Type", no_wrap=True)
    table.add_column("Articles", justify="right", no_wrap=True)
    table.add_column("Mentions", justify="right", no_wrap=True)
    table.add_column("Aliases (mentions)", ratio=3)
    for e in shown:
        forms: dict[str, int] = {}
        for per in e.counts.values():
            for form, n in per.items():
                forms[form] = forms.get(form, 0) + n
        aliases = Text(", ".join(f"{f} ({forms[f]})" for f in e.aliases))
        if per_article:
            rows = sorted(
                e.counts.items(), key=lambda kv: (-sum(kv[1].values()), labels.get(kv[0], kv[0]))
            )
            for art, per in rows:
                detail = ", ".join(
                    f"{f} {n}" for f, n in sorted(per.items(), key=lambda kv: -kv[1])
                )
                aliases.append(f"\n  {labels.get(art, art)}: {detail}", style="dim")
        table.add_row(
            Text(e.canonical, style=TYPE_STYLES.get(e.type, "")),
            e.type,
            str(e.article_count),
            str(e.mentions),
            aliases,
        )
    stdout().print(table)


def _warn_aliases() -> None:
    from index.entities.gazetteer import load_gazetteer

    for warning in load_gazetteer().warnings:
        stderr().print(f"warning: {warning}", style="yellow", markup=False)


def _print_alias_files(as_json: bool) -> None:
    from index.entities.aliases import shipped_alias_file, user_alias_file

    shipped, user = shipped_alias_file(), user_alias_file()
    if as_json:
        print_json({"shipped": str(shipped), "user": str(user), "user_exists": user.exists()})
        return
    out = stdout()
    out.print(f"Shipped aliases: {shipped}", markup=False)
    state = "in use" if user.exists() else "not created yet; copy the format from the shipped file"
    out.print(f"Your aliases:    {user} ({state})", markup=False)
    _warn_aliases()
