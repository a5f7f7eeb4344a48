"""Screenshots of the main screens on the demo corpus (pytest-textual-snapshot).

Stable by construction: fixed terminal size, cursor blink off, index in tmp, toasts
cleared.  After an intended change to the look (or to the demo corpus, cleaning or
entity recognition), refresh them with ``pytest tests/app/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations


def _settled(harness, *keys: str):
    async def run_before(pilot) -> None:
        await harness.ready(pilot)
        for key in keys:
            if key.startswith("type:"):
                await harness.search(pilot, key[5:])
            else:
                await pilot.press(key)
                await harness.ready(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


def test_search_screen_snapshot(harness, snap_compare):
    app = harness.make()
    assert snap_compare(app, terminal_size=(100, 30), run_before=_settled(harness, "type:tunnel"))


def test_empty_search_screen_snapshot(harness, snap_compare):
    app = harness.make()
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settled(harness))


def test_reading_screen_snapshot(harness, snap_compare):
    app = harness.make()
    run_before = _settled(harness, "type:tunnel", "enter", "enter", "n")
    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_help_screen_snapshot(harness, snap_compare):
    app = harness.make()
    assert snap_compare(app, terminal_size=(100, 40), run_before=_settled(harness, "f1"))
