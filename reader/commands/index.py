"""``reader index PATH...``: build or update a corpus' index, with a progress bar."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import (
    EXIT_CODES_HELP,
    index_option,
    json_option,
    library_errors,
    print_json,
    stderr,
    stdout,
)


@click.command(
    name="index",
    epilog=f"""\b
Examples:
  reader index ~/news/korea              build, or update only what changed
  reader index a.jsonl b/ --rebuild      rebuild from scratch (old index kept until done)
  reader index ~/news --index /tmp/ix    keep the index somewhere else
  reader index ~/news --json             machine-readable report

{EXIT_CODES_HELP}""",
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@index_option
@click.option(
    "--rebuild", is_flag=True, help="Re-read every file into a fresh index, then swap it in."
)
@json_option
def command(paths: tuple[Path, ...], index_dir: Path | None, rebuild: bool, as_json: bool) -> None:
    """Build or update the index of PATH... (folders and article files).

    Only added, changed and removed files are processed on a re-run; the index
    is searchable while it is being built.
    """
    from index.store import Library

    with library_errors():
        with Library.open(paths, index_dir) as library:
            with _progress(quiet=as_json) as tick:
                report = library.update(tick, rebuild=rebuild)
            where = library.index_dir
    if as_json:
        print_json(
            {
                "index": str(where),
                "added": report.added,
                "updated": report.updated,
                "removed": report.removed,
                "unchanged": report.unchanged,
                "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
                "documents": report.documents,
                "stories_caught_up": report.caught_up,
                "elapsed": round(report.elapsed, 3),
            }
        )
        return
    _print_report(report, where)


class _progress:
    """A transient Rich progress bar on stderr, fed by IndexProgress ticks."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar = None
        self.task = None

    def __enter__(self):
        if self.quiet:
            return lambda p: None
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=stderr(),
            transient=True,
        )
        self.bar.__enter__()
        self.task = self.bar.add_task("scanning", total=None)
        return self._tick

    def _tick(self, p) -> None:
        total = p.total or None
        self.bar.update(self.task, description=p.phase, completed=p.done, total=total)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False


def _print_report(report, where: Path) -> None:
    from rich.table import Table
    from rich.text import Text

    out = stdout()
    table = Table(title=None, show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("articles")
    table.add_column("count", justify="right")
    for name in ("added", "updated", "removed", "unchanged"):
        table.add_row(name, str(getattr(report, name)))
    table.add_row("skipped files", str(len(report.skipped)))
    out.print(table)
    if report.skipped:
        skipped = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        skipped.add_column("skipped file", overflow="fold")
        skipped.add_column("reason", overflow="fold")
        for s in report.skipped:
            skipped.add_row(Text(s.path), Text(s.reason))
        out.print(skipped)
    if report.caught_up:
        out.print(Text("Grouped the stories an interrupted run left undone."))
    out.print(Text(f"{report.documents} articles in {where} ({report.elapsed:.1f}s)", style="dim"))
