"""The main screen's command palette provider: every action from the screen's bindings and
every profile, searched by Textual's palette; running an entry works; under a dialog it offers
nothing."""

from __future__ import annotations

from conftest import SIZE, FakeClock, wait_until
from textual import events
from textual.command import CommandPalette
from textual.widgets import OptionList

from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.commands import MainScreenCommands
from entra_tui.ui.screens.help import HelpScreen


async def _discovered(provider: MainScreenCommands) -> list[str]:
    return [str(hit.text) async for hit in provider.discover()]


async def test_it_offers_each_action_with_its_key_and_each_profile(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE):
        titles = await _discovered(MainScreenCommands(app.screen))
        assert "Acquire (a)" in titles and "Edit (e)" in titles
        for name in app.profile_set.names():  # type: ignore[union-attr]
            assert f"Switch to profile {name}" in titles
        assert len(titles) == len(set(titles))
        hits = [hit async for hit in MainScreenCommands(app.screen).search("acquire")]
        assert hits and str(max(hits).text) == "Acquire (a)"


async def test_the_palette_runs_an_entry_found_by_search(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        app.push_screen(CommandPalette(providers=[MainScreenCommands]))
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette)
                         and app.screen.has_class("-ready"))
        # Pasted, as a terminal pastes into the focused search box: one search.
        app.post_message(events.Paste("switch to profile fabrikam-inventory"))
        await wait_until(pilot, lambda: app.screen.query_one(OptionList).option_count > 0
                         and "fabrikam-inventory" in str(app.screen.query_one(OptionList)
                                                         .get_option_at_index(0).prompt))
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current is not None
                         and app.current.name == "fabrikam-inventory")


async def test_under_a_dialog_it_offers_nothing(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert await _discovered(MainScreenCommands(app.screen)) == []


async def test_below_the_minimum_size_it_offers_nothing(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    """Too small, the panes are hidden and only quit and help act: the palette must not run
    what the keys would not."""
    app, _ = demo
    async with app.run_test(size=(70, 20)) as pilot:
        await wait_until(pilot, lambda: app.screen.has_class("-too-small"))
        assert await _discovered(MainScreenCommands(app.screen)) == []
        assert [hit async for hit in MainScreenCommands(app.screen).search("acquire")] == []
