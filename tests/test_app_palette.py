"""Ctrl+P offers every action and every profile; the theme chosen there is remembered."""

from __future__ import annotations

from pathlib import Path

from conftest import SIZE, FakeClock, wait_until
from test_profile_store import ORIGINAL
from textual import events
from textual.command import CommandPalette

from entra_tui.cli import build_app
from entra_tui.core.profiles import load_profiles
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.commands import MainScreenCommands


async def run_command(pilot: object, app: EntraTuiApp, query: str) -> None:
    await pilot.press("ctrl+p")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
    # Pasted as a terminal pastes (the app forwards it to the focused search box): one search,
    # where typing it key by key ran one per letter (~0.1 s each) and checked nothing more.
    app.post_message(events.Paste(query))
    await wait_until(pilot, lambda: app.screen.query("CommandList Option").results()
                     and query.split()[-1].lower() in str(
                         app.screen.query_one("CommandList").get_option_at_index(0).prompt)
                     .lower())
    await pilot.press("enter")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: not isinstance(app.screen, CommandPalette))


async def test_palette_switches_profiles_and_runs_actions(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        titles += [str(hit.text) async for hit in MainScreenCommands(app.screen).discover()]
        for name in app.profile_set.names():  # type: ignore[union-attr]
            assert f"Switch to profile {name}" in titles
        assert "Acquire (a)" in titles and "Edit (e)" in titles and "Theme" in titles
        await run_command(pilot, app, "switch to profile fabrikam-inventory")
        assert app.current is not None and app.current.name == "fabrikam-inventory"
        await run_command(pilot, app, "Acquire (a)")
        await wait_until(pilot, lambda: "fabrikam-inventory" in app.tokens)


async def test_palette_switch_clears_a_filter_that_hides_the_profile(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    from entra_tui.ui.widgets.profile_list import ProfileFilter, ProfileList

    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"fabrikam", "enter")
        assert all("fabrikam" in p.name for p in app.query_one(ProfileList).ordered)
        await run_command(pilot, app, "switch to profile contoso-orders-sync")
        await pilot.pause()
        assert app.current is not None and app.current.name == "contoso-orders-sync"
        assert not app.query_one(ProfileFilter).display
        assert app.query_one(ProfileList).highlighted_name == "contoso-orders-sync"


async def test_theme_is_remembered_in_the_config(tmp_path: Path) -> None:
    config = tmp_path / "profiles.toml"
    config.write_text(ORIGINAL)
    app, _ = build_app(config=config)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "nord"
        await wait_until(pilot, lambda: load_profiles(config).ui.theme == "nord")
    assert config.read_text().startswith(ORIGINAL)
    again, _ = build_app(config=config)
    async with again.run_test(size=SIZE):
        assert again.theme == "nord"
