"""What the index/search/show commands share: options, finding the corpus, errors, output.

Exit codes (documented in each command's --help):
  0  success
  1  nothing found (search without hits, show of an unknown article)
  2  usage error, no index yet, index locked or not writable
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2

EXIT_CODES_HELP = """\b
Exit codes: 0 success, 1 nothing found, 2 usage error or no usable index."""


def stdout(*, soft_wrap: bool = False) -> Console:
    """Rich console on stdout; ``soft_wrap`` keeps long lines intact (article text)."""
    return Console(soft_wrap=soft_wrap, highlight=False)


def stderr() -> Console:
    return Console(stderr=True, highlight=False)


def fail(message: str, code: int = EXIT_USAGE) -> None:
    """Print a one-line error (no traceback) and exit."""
    stderr().print(f"[bold red]error:[/] {_escape(message)}")
    sys.exit(code)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def index_option(f: F) -> F:
    return click.option(
        "--index",
        "index_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        metavar="DIR",
        help="Index directory (default: one per corpus in the user cache dir).",
    )(f)


def corpus_option(f: F) -> F:
    return click.option(
        "--corpus",
        "corpus",
        multiple=True,
        type=click.Path(path_type=Path),
        metavar="PATH",
        help="Corpus folder or file the index was built from (repeatable; "
        "default: the last corpus indexed).",
    )(f)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(f)


def resolve_corpus(
    corpus: tuple[Path, ...], index_dir: Path | None
) -> tuple[tuple[Path, ...], Path | None, str | None]:
    """(corpus, index dir, note) for a read command: given, or the last corpus indexed."""
    from index.paths import last_corpus

    if corpus:
        return tuple(corpus), index_dir, None
    remembered = last_corpus()
    if remembered is None:
        fail("no corpus given and none indexed yet; run: reader index PATH (or pass --corpus PATH)")
        raise AssertionError  # unreachable: fail() exits
    paths, remembered_dir = remembered
    shown = ", ".join(str(p) for p in paths)
    return paths, index_dir or remembered_dir, f"Using the last corpus indexed: {shown}"


@contextmanager
def library_errors():
    """Turn the engine's user-facing errors into a one-line message and exit code 2."""
    from index.errors import LibraryError

    try:
        yield
    except LibraryError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{exc.strerror or exc}: {exc.filename or ''}".strip(": "))


def open_readonly(corpus: tuple[Path, ...], index_dir: Path | None):
    """The corpus' Library opened read-only (search/show never write the index)."""
    from index.store import Library

    with library_errors():
        return Library.open(corpus, index_dir, readonly=True)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
