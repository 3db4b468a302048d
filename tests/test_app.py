"""Behaviour at the keyboard: the demo app against the real sandbox (Pilot, real threads)."""

from __future__ import annotations

from pathlib import Path

from conftest import CONTOSO, FABRIKAM, SIZE, FakeClock, acquire, number_of, text_of

from entra_tui.cli import build_app
from entra_tui.core.token import decode_token
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.widgets.expiry_bar import ExpiryBar
from entra_tui.ui.widgets.profile_list import ProfileList


async def test_demo_lists_profiles_in_two_tenants(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE):
        profiles = app.query_one(ProfileList)
        tenants = {p.tenant for p in profiles.ordered}
        assert CONTOSO.domain in tenants and FABRIKAM.tenant_id in tenants
        assert len(profiles.ordered) >= 4
        assert app.current is profiles.ordered[0]
        assert "demo" in app.sub_title


async def test_keyboard_moves_between_profiles(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        ordered = app.query_one(ProfileList).ordered
        await pilot.press("j")
        await pilot.pause()
        assert app.current is ordered[1]
        await pilot.press("down")
        await pilot.pause()
        assert app.current is ordered[2]
        await pilot.press("k", "up")
        await pilot.pause()
        assert app.current is ordered[0]
        await pilot.press("end")
        assert app.current is ordered[-1]
        await pilot.press("pageup")
        assert app.current is not ordered[-1]
        await pilot.press("home")
        assert app.current is ordered[0]
        await pilot.press("k")  # already at the top: stays
        assert app.current is ordered[0]
        await pilot.press("4")
        assert app.current is ordered[3]
        assert text_of(app, "#profile-details").startswith(ordered[3].name)
        await pilot.press("9")
        assert app.current is ordered[8]


async def test_acquire_shows_claims_and_live_countdown(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, clock = demo
    async with app.run_test(size=SIZE) as pilot:
        await acquire(pilot, app)
        result = app.attempts["contoso-orders-sync"]
        assert result.ok
        assert "Token from identity provider" in text_of(app, "#acquire-status")
        table = app.claims_table
        assert str(table.get_row("aud")[1]).startswith(CONTOSO.apis[0].client_id)
        assert str(table.get_row("roles")[1]).startswith("Orders.Read.All, Orders.ReadWrite.All")
        bar = app.query_one(ExpiryBar)
        first = str(bar.render_status())
        assert "VALID" in first and "expires in 59:" in first
        clock.now += 61
        bar.tick()
        await pilot.pause()
        second = bar.plain
        assert second != first and "expires in 58:" in second
        clock.now += 3600
        bar.tick()
        assert "EXPIRED" in bar.plain


async def test_enter_acquires_and_second_time_comes_from_cache(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await acquire(pilot, app, "enter")
        assert app.attempts["contoso-orders-sync"].source == "identity provider"
        await acquire(pilot, app, "a")
        assert app.attempts["contoso-orders-sync"].source == "cache"
        await acquire(pilot, app, "A")
        assert app.attempts["contoso-orders-sync"].source == "identity provider"


async def test_copy_falls_back_to_osc52_and_says_so(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        assert any("No token to copy yet" in n.message for n in app._notifications)
        await acquire(pilot, app)
        await pilot.press("c")
        token = app.tokens["contoso-orders-sync"].access_token
        assert app.clipboard == token
        assert app.last_copy_method == "osc52"
        messages = [n.message for n in app._notifications]
        assert any("OSC 52" in m for m in messages)
        assert not any(token and token in m for m in messages)


async def test_copy_uses_the_system_clipboard_when_there_is_one(
        demo: tuple[EntraTuiApp, FakeClock], fake_xclip: Path) -> None:
    store = fake_xclip
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await acquire(pilot, app)
        await pilot.press("c")
        token = app.tokens["contoso-orders-sync"].access_token
        assert store.read_text() == token
        assert app.last_copy_method == "system"
        assert any("system clipboard" in n.message for n in app._notifications)


async def test_wrong_secret_shows_aadsts_error_and_app_keeps_working(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(str(number_of(app, "contoso-wrong-secret")))
        await acquire(pilot, app)
        panel = app.query_one("#error-panel")
        assert panel.display
        assert "AADSTS7000215" in str(panel.border_title)
        shown = text_of(app, "#error-panel")
        assert "Invalid client secret provided" in shown
        assert "not one of the app's secrets" in shown and "Try:" in shown
        correlation_id = app.attempts["contoso-wrong-secret"].error.correlation_id  # type: ignore[union-attr]
        assert correlation_id and f"Correlation ID: {correlation_id}" in shown
        assert "AADSTS7000215" in text_of(app, "#acquire-status")
        # Still usable: another profile acquires fine, and the panel goes away.
        await pilot.press("1")
        await acquire(pilot, app)
        assert app.attempts["contoso-orders-sync"].ok
        assert not panel.display


async def test_failed_refresh_keeps_last_good_token(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await acquire(pilot, app)
        good = app.tokens["contoso-orders-sync"]
        app.session.forget(app.current)  # type: ignore[arg-type]
        secret_file = app.current.base_dir / "secrets" / "orders-sync"  # type: ignore[union-attr]
        secret_file.write_text("rotated-away")
        await acquire(pilot, app, "A")
        assert not app.attempts["contoso-orders-sync"].ok
        assert app.tokens["contoso-orders-sync"] is good
        assert app.claims_table.row_count > 0
        await pilot.press("c")
        assert app.clipboard == good.access_token


async def test_tokens_in_the_table_are_decoded_from_what_msal_returned(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(str(number_of(app, "contoso-billing-cert")))
        await acquire(pilot, app)
        result = app.attempts[app.current.name]  # type: ignore[union-attr]
        assert result.ok, result.error
        claims = decode_token(result.access_token or "").claims
        assert claims["azpacr"] == "2"  # the certificate profile
        assert app.claims_table.row_count == len(claims)


async def test_broken_config_is_reported_untouched_and_reloadable(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text('[profiles.x]\ntenant = "contoso.onmicrosoft.com\n')
    before = path.read_bytes()
    app, _ = build_app(config=path)
    async with app.run_test(size=SIZE) as pilot:
        message = text_of(app, "#profiles-message")
        assert f"{path}:2:" in message and "not changed" in message
        assert app.query_one(ProfileList).ordered == []
        await pilot.press("a")  # nothing selected: a warning, not a crash
        assert path.read_bytes() == before
        path.write_text('[profiles.x]\ntenant = "contoso.onmicrosoft.com"\n'
                        'client_id = "11111111-2222-4333-8444-555555555555"\n'
                        'scopes = ["https://graph.microsoft.com/.default"]\n'
                        'secret = "env:X_SECRET"\n')
        await pilot.press("f5")
        await pilot.pause()
        assert [p.name for p in app.query_one(ProfileList).ordered] == ["x"]
        assert not app.query_one("#profiles-message").display


async def test_missing_config_explains_how_to_start(tmp_path: Path) -> None:
    app, _ = build_app(config=tmp_path / "absent.toml")
    async with app.run_test(size=SIZE):
        assert "entra-tui --demo" in text_of(app, "#profiles-message")
        assert not (tmp_path / "absent.toml").exists()


async def test_a_long_profile_list_scrolls_to_the_cursor(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text("".join(
        f'[profiles.app-{n:02d}]\ntenant = "tenant-{n % 3}.onmicrosoft.com"\n'
        'client_id = "11111111-2222-4333-8444-555555555555"\n'
        'scopes = ["https://graph.microsoft.com/.default"]\nsecret = "env:X_SECRET"\n\n'
        for n in range(40)))
    app, _ = build_app(config=path)
    async with app.run_test(size=(80, 24)) as pilot:
        profiles = app.query_one(ProfileList)
        await pilot.press("end")
        await pilot.pause()
        assert app.current is profiles.ordered[-1] and profiles.scroll_offset.y > 0
        row = profiles.highlighted or 0
        visible = profiles.scrollable_content_region.height
        assert profiles.scroll_offset.y <= row < profiles.scroll_offset.y + visible
        await pilot.press("home")
        await pilot.pause()
        assert app.current is profiles.ordered[0] and profiles.scroll_offset.y == 0
