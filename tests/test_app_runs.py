"""The app follows the profile file: a deleted profile stops its request and its refresh."""

from __future__ import annotations

from conftest import SIZE, FakeClock, acquire, wait_until

from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.screens.confirm import Confirm
from entra_tui.ui.widgets.profile_list import ProfileList


async def test_deleting_a_profile_stops_its_auto_refresh(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    name = "contoso-webapp-mi"  # auto_refresh_minutes = 10 in the demo
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(ProfileList).highlight_profile(name)
        await pilot.pause()
        await acquire(pilot, app)
        assert name in app.refresh_timers
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await wait_until(pilot, lambda: app.profile_set is not None
                         and app.profile_set.get(name) is None)
        # Before: the timer kept running and would have acquired with the deleted profile.
        assert name not in app.refresh_timers
        assert name not in app.attempts and name not in app.tokens
