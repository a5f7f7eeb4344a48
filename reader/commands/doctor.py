"""``reader doctor``: is the installation sound, and how well does cleaning score?

Checks the libraries reader needs, that the cache directory (where indexes live) is
writable and that the word-frequency data used for de-hyphenation loads.  When a
gold directory is given (or ``../shared/gold`` exists next to the current
directory) it also cleans the gold articles and prints the cleaning score table.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import click
from rich import box
from rich.console import Console
from rich.table import Table

REQUIRED = (("textual", "textual"), ("whoosh", "whoosh-reloaded"), ("rich", "rich"))


def _version(module: str, dist: str) -> tuple[bool, str]:
    try:
        __import__(module)
    except Exception as exc:  # a broken install can raise anything on import
        return False, f"cannot import {module}: {exc}"
    try:
        return True, metadata.version(dist)
    except metadata.PackageNotFoundError:
        return True, "installed (version unknown)"


def _cache_writable() -> tuple[bool, str]:
    from index.paths import cache_root

    root = cache_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".doctor-", dir=root)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        return False, f"{root}: {exc.strerror or exc} (set READER_CACHE_DIR to a writable folder)"
    return True, str(root)


def _wordfreq() -> tuple[bool, str]:
    try:
        from wordfreq import zipf_frequency

        value = zipf_frequency("the", "en")
    except Exception as exc:
        return False, f"wordfreq data not loadable: {exc}"
    if value <= 0:
        return False, "wordfreq returned no English frequencies"
    return True, f"English word list loaded (zipf('the') = {value:.1f})"


def checks() -> list[tuple[str, bool, str]]:
    """(name, ok, detail) for every installation check."""
    out = [("python", sys.version_info >= (3, 10), platform.python_version())]
    for module, dist in REQUIRED:
        ok, detail = _version(module, dist)
        out.append((dist, ok, detail))
    out.append(("cache dir", *_cache_writable()))
    out.append(("wordfreq", *_wordfreq()))
    return out


def _default_gold() -> Path | None:
    candidate = Path.cwd().parent / "shared" / "gold"
    return candidate if (candidate / "cleaning.json").is_file() else None


def score_table(gold: Path) -> tuple[Table, bool, list[str]]:
    """The cleaning score table for a gold dir, whether it all passes, and the problems."""
    from index.cleaning_score import HEADERS, score_cleaning

    score = score_cleaning(gold)
    table = Table(
        title=f"Cleaning score against {gold / 'cleaning.json'}",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=(0, 0),
    )
    for header in HEADERS:
        table.add_column(header, no_wrap=True)
    rows = score.rows()
    for n, row in enumerate(rows):
        styled = [c if c != "FAIL" else "[red]FAIL[/]" for c in row]
        styled[0] = styled[0].split("_")[0] if "_" in styled[0] else styled[0]
        table.add_row(*styled, end_section=n == len(rows) - 2)
    problems = [f"{a.name}: {p}" for a in score.articles for p in a.problems]
    return table, score.ok, problems


@click.command(
    name="doctor",
    epilog="""\b
Examples:
  reader doctor                     check the installation
  reader doctor --gold ../shared/gold

\b
Exit codes: 0 all checks pass, 1 a check or a gold score fails, 2 usage error.""",
)
@click.option(
    "--gold",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Gold directory with cleaning.json (default: ../shared/gold if it exists).",
)
def command(gold: Path | None) -> None:
    """Check the installation and score cleaning quality against a gold set."""
    console = Console(highlight=False)
    table = Table(title="reader installation")
    table.add_column("check")
    table.add_column("status")
    table.add_column("detail", overflow="fold")
    all_ok = True
    for name, ok, detail in checks():
        all_ok &= ok
        table.add_row(name, "[green]ok[/]" if ok else "[red]FAIL[/]", detail)
    console.print(table)

    gold = gold or _default_gold()
    if gold is not None:
        if not (gold / "cleaning.json").is_file():
            console.print(f"[red]no cleaning.json in {gold}[/]")
            sys.exit(2)
        try:
            scores, ok, problems = score_table(gold)
        except (OSError, ValueError, KeyError) as exc:
            console.print(f"[red]could not score the gold in {gold}: {exc}[/]")
            sys.exit(1)
        console.print(scores)
        for problem in problems:
            console.print(f"  [yellow]{problem}[/]", markup=True)
        all_ok &= ok
    console.print("[green]all is well[/]" if all_ok else "[red]some checks failed[/]")
    sys.exit(0 if all_ok else 1)
