"""Settings: keymap overrides from config.toml, themes remembered between runs, bad files."""

from __future__ import annotations

from reader.config import Config
from reader.screens.help import HelpScreen
from reader.screens.search import SearchScreen


async def test_keymap_override_from_config_file_takes_effect(harness):
    harness.write_config('[keymap]\n"search.sort" = "ctrl+o"\n"app.help" = "f2"\n')
    app = harness.make()
    async with app.run_test(size=(100, 30)) as pilot:
        await harness.ready(pilot)
        assert isinstance(app.screen, SearchScreen) and app.screen.sort == "relevance"
        await pilot.press("ctrl+s")  # the default key no longer sorts
        await harness.ready(pilot)
        assert app.screen.sort == "relevance"
        await pilot.press("ctrl+o")
        await harness.ready(pilot)
        assert app.screen.sort == "date"
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        # The help screen lists the remapped key.
        shown = harness.screen_text(app)
        assert "^o" in shown and "search.sort" in shown


async def test_unknown_binding_id_and_broken_config_are_reported_not_fatal(harness):
    harness.write_config('[keymap]\n"search.srot" = "ctrl+o"\n')
    app = harness.make()
    async with app.run_test(size=(100, 30)) as pilot:
        await harness.ready(pilot)
        messages = [n.message for n in app._notifications]
        assert any("search.srot" in m for m in messages)

    harness.write_config("[keymap\nthis is not toml")
    app = harness.make()
    async with app.run_test(size=(100, 30)) as pilot:
        await harness.ready(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert any("config.toml" in n.message for n in app._notifications)


async def test_theme_switch_persists_across_app_instances(harness):
    app = harness.make()
    async with app.run_test(size=(80, 24)) as pilot:
        await harness.ready(pilot)
        assert app.theme != "nord"
        app.theme = "nord"
        await pilot.pause()
    assert Config.load(harness.config_dir).theme == "nord"

    second = harness.make()
    async with second.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert second.theme == "nord"
