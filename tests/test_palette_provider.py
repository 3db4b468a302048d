"""The main screen's command palette provider: every action from the screen's bindings and
every profile, searched by Textual's palette; running an entry works; under a dialog it offers
nothing."""

from __future__ import annotations

from pathlib import Path

from conftest import SIZE, FakeClock, wait_until
from textual import events
from textual.command import CommandPalette, Hit
from textual.content import Content
from textual.widgets import OptionList

from entra_tui.cli import build_app
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


PROFILE = """[profiles.{name}]
tenant = "contoso.onmicrosoft.com"
client_id = "11111111-2222-4333-8444-555555555555"
secret = "env:S"
scopes = ["api://x/.default"]
description = "[red]not red[/red] \\\\"
"""


def shown(hit: Hit) -> tuple[str, str]:
    """The title and help as the palette draws them (it reads a string as markup)."""
    return (Content.from_markup(hit.prompt).plain,  # type: ignore[arg-type]
            Content.from_markup(hit.help or "").plain)


async def test_keys_and_names_read_as_the_help_and_the_list_write_them(tmp_path: Path) -> None:
    """Each key as the F1 help names it ("f1, ?", not "f1,question_mark"), and a name from
    the profile file as the list shows it: one backslash, brackets as typed."""
    path = tmp_path / "profiles.toml"
    path.write_text("\n".join(PROFILE.format(name=name)
                              for name in ['"back\\\\"', '"a\\\\[b]zq"']))
    app, _ = build_app(config=path)
    async with app.run_test(size=SIZE):
        hits = {shown(hit)[0]: shown(hit)[1]
                async for hit in MainScreenCommands(app.screen).discover()}
        assert "Help (f1, ?)" in hits and "Delete profile (d, del)" in hits
        assert hits["Switch to profile back\\"] == (
            "contoso.onmicrosoft.com · client_secret · [red]not red[/red] \\")
        assert "Switch to profile a\\[b]zq" in hits
        found = [hit async for hit in MainScreenCommands(app.screen).search("zq")]
        title = Content.from_markup(max(found).prompt)  # type: ignore[arg-type]
        assert title.plain == "Switch to profile a\\[b]zq"
        # The typed letters are marked where they are (after the backslash and brackets).
        assert "".join(title.plain[span.start:span.end] for span in title.spans) == "zq"
