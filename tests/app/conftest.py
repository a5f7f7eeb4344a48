"""One fixture for every app test: a ReaderApp factory with its own config and index dirs.

Nothing touches the user's real directories: the config dir, the index dir and the
engine's cache dir all live in ``tmp_path``.
"""

from __future__ import annotations

import asyncio
import html
import inspect
import re
import time
from pathlib import Path

import pytest
from textual.worker import WorkerState

from reader.app import ReaderApp
from reader.config import Config
from reader.corpus import demo_corpus


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop (no asyncio plugin is needed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
    return True


class AppHarness:
    """Builds apps that share one temp config dir (so settings persist between them)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.config_dir = root / "config"
        self.index_dir = root / "index"

    def write_config(self, text: str) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        (self.config_dir / "config.toml").write_text(text, encoding="utf-8")

    def make(self, corpus: list[Path] | None = None, **kwargs) -> ReaderApp:
        kwargs.setdefault("index_dir", self.index_dir)
        return ReaderApp(
            corpus if corpus is not None else [demo_corpus()],
            config=Config.load(self.config_dir),
            cursor_blink=False,
            **kwargs,
        )

    async def ready(self, pilot, timeout: float = 30.0) -> None:
        """Wait until the index is open, indexing has finished and the search has answered."""
        app = pilot.app
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            await pilot.pause()
            busy = any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers)
            opened = app.library is not None or app.library_error is not None
            if opened and app.index_progress is None and not busy:
                await pilot.pause()
                return
            await pilot.pause(0.05)
        raise AssertionError("the app did not settle (index open + indexed + searched)")

    @staticmethod
    def screen_text(app) -> str:
        """What the terminal shows, as plain text (one line per row), from a screenshot."""
        svg = app.export_screenshot()
        rows: dict[float, list[tuple[float, str]]] = {}
        for m in re.finditer(
            r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg
        ):
            rows.setdefault(float(m.group(2)), []).append(
                (float(m.group(1)), html.unescape(m.group(3)))
            )
        lines = ["".join(t for _, t in sorted(parts)) for _, parts in sorted(rows.items())]
        return "\n".join(lines).replace("\xa0", " ")

    async def search(self, pilot, text: str) -> None:
        """Type ``text`` into the query box and wait for its results."""
        if text:
            await pilot.press(*text)
        await pilot.pause(0.2)  # the debounce
        await self.ready(pilot)


@pytest.fixture
def harness(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppHarness:
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    return AppHarness(tmp_path)
