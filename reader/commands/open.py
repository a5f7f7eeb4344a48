"""``reader open [PATH...]``: the app.  With no path, reopen the last corpus (or the demo)."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import index_option


def _choose_corpus(
    paths: tuple[str, ...], demo: bool, config
) -> tuple[list[Path], str | None, Path | None]:
    """(corpus, notice for the user, remembered index dir) for this run."""
    from ..corpus import demo_corpus

    if demo:
        return [demo_corpus()], "Opened the bundled demo corpus.", None
    if paths:
        return [Path(p) for p in paths], None, None
    last = [Path(p) for p in config.last_corpus]
    index = Path(config.last_index) if config.last_index else None
    if not last:  # nothing opened in the app yet: the last corpus ``reader index`` built
        from index.paths import last_corpus

        found = last_corpus()
        if found is not None:
            last, index = list(found[0]), found[1]
    if last and all(p.exists() for p in last):
        shown = ", ".join(str(p) for p in last)
        return last, f"Reopened {shown}. Run reader PATH to open another folder.", index
    return (
        [demo_corpus()],
        "No corpus given, so this is the bundled demo. Run reader PATH to open your own articles.",
        None,
    )


@click.command(name="open")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=str))
@click.option("--demo", is_flag=True, help="Open the bundled demo corpus.")
@index_option
@click.option("--readonly", is_flag=True, help="Never write the index (search what is there).")
def command(
    paths: tuple[str, ...], demo: bool, index_dir: Path | None = None, readonly: bool = False
) -> None:
    """Open the app on folders or files of articles (PATH...).

    Indexing runs in the background; results appear as soon as the first batch is
    saved.  Without PATH, the last corpus is reopened (or the demo, the first time).
    """
    from ..app import ReaderApp
    from ..config import Config

    config = Config.load()
    corpus, notice, remembered_index = _choose_corpus(paths, demo, config)
    app = ReaderApp(
        corpus,
        index_dir=index_dir or remembered_index,
        config=config,
        readonly=readonly,
        notice=notice,
    )
    app.run()
