"""Clipboard and screen hygiene: auto-clear, presentation mode, masked raw token, mouse copy."""

from __future__ import annotations

from pathlib import Path

from conftest import SIZE, FakeClock, acquire, number_of, text_of, wait_until
from textual.widgets import Static

from entra_tui.cli import build_app
from entra_tui.ui.app import EntraTuiApp


async def test_clipboard_is_cleared_after_the_delay_only_if_unchanged(
        fake_xclip: Path) -> None:
    clock = FakeClock()
    app, environment = build_app(demo=True, clock=clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await acquire(pilot, app)
            token = app.viewing.token.raw  # type: ignore[union-attr]
            await pilot.press("c")
            assert fake_xclip.read_text() == token and app.last_copy_method == "system"
            assert "clears in 30 s" in text_of(app, "#status-bar")
            clock.now += 12
            app._clipboard_tick()
            assert "clears in 18 s" in text_of(app, "#status-bar")
            clock.now += 18
            app._clipboard_tick()
            assert fake_xclip.read_text() == ""
            assert not any(bar.display for bar in app.query("#status-bar"))  # none shown
            await pilot.press("C")  # again, but this time the user copies something else
            fake_xclip.write_text("my own notes")
            clock.now += 31
            app._clipboard_tick()
            await pilot.pause()
            assert fake_xclip.read_text() == "my own notes"
            assert any("holds something you copied" in n.message for n in app._notifications)
            await pilot.press("c")  # quitting clears a pending token at once
            await pilot.press("q")
        assert fake_xclip.read_text() == ""
    finally:
        assert environment is not None
        environment.stop()


async def test_osc52_says_it_cannot_be_cleared(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await acquire(pilot, app)
        await pilot.press("c")
        assert app.last_copy_method == "osc52"
        assert any("cannot clear it later" in n.message for n in app._notifications)
        assert not any(bar.display for bar in app.query("#status-bar"))  # none shown


async def test_presentation_mode_masks_people_not_apps(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(str(number_of(app, "contoso-adele-ropc")))
        await acquire(pilot, app)
        claims = app.viewing.token.claims  # type: ignore[union-attr]
        upn, oid = claims["preferred_username"], claims["oid"]

        def screen_text() -> str:
            table = app.claims_table
            cells = " ".join(str(c) for row in range(table.row_count)
                             for c in table.get_row_at(row))
            return " ".join((cells, text_of(app, "#summary"), text_of(app, "#acquire-status")))

        assert upn in screen_text() and oid in screen_text()
        await pilot.press("m")
        shown = screen_text()
        assert upn not in shown and oid not in shown and "‹e-mail›" in shown
        assert claims["aud"] in shown and claims["tid"] in shown  # apps and tenants stay
        assert "presentation mode" in app.title
        await pilot.press("r")
        await pilot.pause()
        payload = app.screen.query_one("#raw-payload", Static).content.code  # type: ignore[attr-defined]
        assert upn not in payload and oid not in payload
        await pilot.press("escape", "m")
        assert upn in screen_text()


async def test_clicking_a_claim_copies_its_value(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await acquire(pilot, app)
        table = app.claims_table
        claims = app.viewing.token.claims  # type: ignore[union-attr]
        # The table lays its rows out after the token arrives: click once they are drawn.
        await wait_until(pilot, lambda: table.row_count == len(claims) and table.size.height > 1)
        await pilot.pause()
        await pilot.click(app.claims_table, offset=(3, 1))  # first data row (aud), below the header
        await wait_until(pilot, lambda: app.clipboard == claims["aud"])
        first_row_height = table.row_height(0)
        await pilot.click(app.claims_table, offset=(3, 1 + first_row_height))  # one click: copied
        await wait_until(pilot, lambda: app.clipboard == claims[list(claims)[1]])


async def test_switching_back_keeps_each_tokens_claim_cursor(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await acquire(pilot, app)
        await pilot.press("2")
        await acquire(pilot, app)
        table = app.claims_table
        table.move_cursor(row=3)
        second = table.selected_claim
        await pilot.press("1")
        assert table.cursor_row == 0 and app.viewing.profile_name == "contoso-orders-sync"  # type: ignore[union-attr]
        table.move_cursor(row=5)
        await pilot.press("2")
        assert table.selected_claim == second  # the rows and cursor of token 2 came back
        await pilot.press("1")
        assert table.cursor_row == 5


async def test_clicking_a_profile_selects_it(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    from entra_tui.ui.widgets.profile_list import ProfileList

    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        profiles = app.query_one(ProfileList)
        await pilot.pause()
        # Row 0 is the tenant heading; rows 1.. are the profiles in order.
        await pilot.click(profiles, offset=(4, 3))
        await wait_until(pilot, lambda: app.current is not None
                         and app.current.name == profiles.ordered[2].name)
        await pilot.click(profiles, offset=(4, 0))  # a tenant heading: nothing to select
        await pilot.pause()
        assert app.current.name == profiles.ordered[2].name
        assert not app.attempts and not app.working  # a click selects; Enter acquires
