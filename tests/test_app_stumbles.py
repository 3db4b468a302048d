"""Stumbles of a first week of daily use (issue 13) that live in the main screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SIZE, FakeClock, text_of, wait_until
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from entra_tui.core.profiles import load_profiles
from entra_tui.core.results import AcquireError, AcquireResult, FailureKind
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.messages import AcquisitionFinished
from entra_tui.ui.widgets.profile_list import ProfileList, fit_name


async def test_a_cancel_is_not_a_failure(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, clock = demo
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        profile = app.current
        assert profile is not None
        run = app.main.runs.of(profile)
        run.start()
        app.main.post_message(AcquisitionFinished(run, AcquireResult(
            profile.name, clock(), 812, error=AcquireError(FailureKind.CANCELLED,
                                                           "sign-in cancelled"))))
        await wait_until(pilot, lambda: profile.name in app.attempts)
        await pilot.pause()
        status = text_of(app, "#acquire-status")
        assert "Cancelled" in status and "Failed" not in status and "✗" not in status
        assert not app.query("#error-panel") or not app.query_one("#error-panel").display
        state = app.query_one(ProfileList).states[profile.name]
        assert state.kind == "cancelled" and "error" not in state.label
        assert not [n for n in app._notifications if n.severity == "error"]


async def test_the_empty_state_says_how_to_add_profiles(tmp_path: Path) -> None:
    app = EntraTuiApp(profiles=load_profiles(tmp_path / "profiles.toml"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        message = text_of(app, "#profiles-message")
        assert "No profiles in" in message
        assert "Press n to create one" in message and "I to import" in message


@pytest.mark.parametrize("width", [80, 100, 120, 160])
async def test_the_footer_shows_whole_keys_and_always_quit_and_help(
        demo: tuple[EntraTuiApp, FakeClock], width: int) -> None:
    app, _ = demo
    async with app.run_test(size=(width, 30)) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        keys = list(footer.query(FooterKey))
        assert {"quit", "help"} <= {k.action for k in keys}
        for key in keys:  # no key is cut at the right edge ("q Qu")
            assert key.region.right <= width, (key.key, key.region)


async def test_below_the_minimum_size_it_says_so(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=(60, 20)) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        await pilot.pause()
        note = app.screen.query_one("#too-small")
        assert note.display and "need 80x24" in text_of(app, "#too-small")
        assert not app.screen.query_one("#body").display
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#body").display and not note.display
        await pilot.resize_terminal(100, 23)  # too short only
        await pilot.pause()
        await pilot.pause()
        assert note.display and "100x23" in text_of(app, "#too-small")


def test_truncated_names_never_read_the_same() -> None:
    names = ["contoso-orders-sync-westeurope", "contoso-orders-sync-eastus", "fabrikam"]
    shown = [fit_name(name, 18, names) for name in names]
    assert len(set(shown)) == 3 and all(len(s) <= 18 for s in shown)
    assert shown[2] == "fabrikam"
    assert fit_name("contoso-graph-application", 18, ["contoso-graph-application", "x"]) \
        == "contoso-graph-app…"  # nothing to tell apart: cut at the end as before


async def test_two_long_profile_names_stay_apart_at_80x24(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    table = ('[profiles.{}]\ntenant = "contoso.onmicrosoft.com"\n'
             'client_id = "11111111-2222-4333-8444-555555555555"\nflow = "client_secret"\n'
             'secret = "env:X"\nscopes = ["https://graph.microsoft.com/.default"]\n')
    path.write_text(table.format("contoso-orders-sync-westeurope")
                    + table.format("contoso-orders-sync-eastus"))
    app = EntraTuiApp(profiles=load_profiles(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        profile_list = app.query_one(ProfileList)
        rows = [str(text) for name, text in profile_list.lines() if name is not None]
        assert len(rows) == 2
        shown = [row.split()[1] for row in rows]
        assert shown[0] != shown[1], rows


async def test_the_profile_pane_follows_the_names_within_bounds(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    long_name = "contoso-orders-sync-westeurope-production"  # 41 characters
    path.write_text(f'[profiles.{long_name}]\ntenant = "contoso.onmicrosoft.com"\n'
                    'client_id = "11111111-2222-4333-8444-555555555555"\n'
                    'flow = "client_secret"\nsecret = "env:X"\n'
                    'scopes = ["https://graph.microsoft.com/.default"]\n')
    app = EntraTuiApp(profiles=load_profiles(path))
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one("#profiles-pane")
        assert pane.outer_size.width == 200 // 4  # bounded: a quarter of the screen
        row = next(str(t) for n, t in app.query_one(ProfileList).lines() if n is not None)
        assert long_name in row  # not cut at 200 columns
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert pane.outer_size.width == 28  # as before at 80 columns
