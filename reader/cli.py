"""Command line entry point: ``reader [PATH]`` opens the app; subcommands do the rest.

Each subcommand lives in ``reader/commands/<name>.py`` and exposes a click command
called ``command``; they are imported lazily so ``reader --help`` stays fast.
"""

from __future__ import annotations

import importlib
import sys

import click

# name -> (module, one-line help shown in ``reader --help``)
COMMANDS: dict[str, tuple[str, str]] = {
    "open": ("reader.commands.open", "Open the app on a corpus (the default command)."),
    "index": ("reader.commands.index", "Build or update the index of a corpus."),
    "search": ("reader.commands.search", "Search the index from the command line."),
    "show": ("reader.commands.show", "Print one article, clean or raw."),
    "entities": ("reader.commands.entities", "List the corpus' entities and their aliases."),
    "compare": ("reader.commands.compare", "Compare two articles side by side."),
    "stories": ("reader.commands.stories", "List groups of articles reporting the same event."),
    "doctor": ("reader.commands.doctor", "Check the installation and score cleaning quality."),
}


class ReaderGroup(click.Group):
    """A group whose unknown first word is a PATH for the default ``open`` command."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if self._available(name)]

    def _available(self, name: str) -> bool:
        module = COMMANDS[name][0]
        return importlib.util.find_spec(module) is not None

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS or not self._available(name):
            return None
        return importlib.import_module(COMMANDS[name][0]).command

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and args[0] not in COMMANDS and not args[0].startswith("-"):
            args = ["open", *args]
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


import importlib.util  # noqa: E402  (kept next to its only user above)


@click.group(
    cls=ReaderGroup,
    subcommand_metavar="[PATH] | COMMAND [ARGS]...",
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="""\b
Examples:
  reader --demo                 open the app on the bundled demo corpus
  reader ~/news/korea           index (if needed) and open a folder of articles
  reader index ~/news/korea     build or update the index, with progress
  reader search 'entity:"North Korea" AND missile' --corpus ~/news/korea
  reader compare A B            align two articles by what they report
""",
)
@click.option("--demo", is_flag=True, help="Open the app on the bundled demo corpus.")
@click.version_option(package_name="reader", prog_name="reader")
@click.pass_context
def cli(ctx: click.Context, demo: bool) -> None:
    """Follow one story across many outlets: search, read and compare news articles.

    Run `reader PATH` to open the app on a folder of articles (.txt, .md, .html,
    .json, .jsonl, RSS/Atom), or use one of the commands below.
    """
    if ctx.invoked_subcommand is None:
        open_cmd = importlib.import_module("reader.commands.open").command
        ctx.invoke(open_cmd, paths=(), demo=demo)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="reader")
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
