"""Every flow from the keyboard, in the demo, against the sandbox (real MSAL, real HTTPS)."""

from __future__ import annotations

import sys
import webbrowser
from pathlib import Path

import pytest
from conftest import SIZE, FakeClock, acquire, text_of, wait_until
from test_flows import BROWSER_SCRIPT
from textual.widgets import Static

from entra_tui.core.token import decode_token
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.screens.device_code import DeviceCodeScreen
from entra_tui.ui.widgets.profile_list import ProfileList


async def select(pilot: object, app: EntraTuiApp, name: str) -> None:
    app.query_one(ProfileList).highlight_profile(name)
    await pilot.pause()  # type: ignore[attr-defined]
    assert app.current is not None and app.current.name == name


def claims(app: EntraTuiApp, name: str) -> dict[str, object]:
    return decode_token(app.tokens[name].access_token or "").claims


@pytest.mark.parametrize(("name", "azpacr"), [
    ("contoso-billing-cert", "2"), ("contoso-billing-x5c", "2"), ("contoso-billing-pfx", "2"),
    ("contoso-deploy-bot", "2"), ("contoso-webapp-mi", "2"), ("fabrikam-inventory", "1")])
async def test_app_only_flows(demo: tuple[EntraTuiApp, FakeClock], name: str,
                              azpacr: str) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, name)
        await acquire(pilot, app)
        assert app.attempts[name].ok, app.attempts[name].error
        assert claims(app, name)["azpacr"] == azpacr
        assert "Token from identity provider" in text_of(app, "#acquire-status")


async def open_device_code_dialog(pilot: object, app: EntraTuiApp) -> None:
    await select(pilot, app, "contoso-ops-device")
    await pilot.press("a")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, DeviceCodeScreen)
                     and app.screen.is_mounted)
    await pilot.pause()  # type: ignore[attr-defined]


async def test_device_code_dialog_copy_and_auto_approval_then_obo(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await open_device_code_dialog(pilot, app)
        screen = app.screen
        code = screen.prompt.user_code  # type: ignore[attr-defined]
        assert str(screen.query_one("#device-code", Static).content) == code
        assert "/device" in str(screen.query_one("#device-url", Static).content)
        assert "expires in" in str(screen.query_one("#device-countdown", Static).content)
        await pilot.press("c")
        assert app.clipboard == code
        await wait_until(pilot, lambda: "contoso-ops-device" in app.tokens, timeout=20)
        assert not isinstance(app.screen, DeviceCodeScreen)  # closed by itself
        assert "signed in as adele.vance@contoso.onmicrosoft.com" in text_of(
            app, "#acquire-status")
        assert claims(app, "contoso-ops-device")["scp"] == "Orders.Read"
        await acquire(pilot, app)
        assert app.attempts["contoso-ops-device"].source == "cache"
        await acquire(pilot, app, "A")
        assert app.attempts["contoso-ops-device"].source == "refresh token"
        await select(pilot, app, "contoso-orders-obo")
        await acquire(pilot, app)
        assert app.attempts["contoso-orders-obo"].ok, app.attempts["contoso-orders-obo"].error
        assert claims(app, "contoso-orders-obo")["scp"] == "Billing.Read"


async def test_obo_without_a_user_token_says_which_profile_to_use(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, "contoso-orders-obo")
        await acquire(pilot, app)
        assert "contoso-ops-device" in text_of(app, "#error-panel")


async def test_device_code_escape_cancels_and_the_worker_stops(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await open_device_code_dialog(pilot, app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: "contoso-ops-device" not in app.working, timeout=10)
        assert app.attempts["contoso-ops-device"].error.kind.value == "cancelled"  # type: ignore[union-attr]
        assert not [w for w in app.workers if w.group == "acquire:contoso-ops-device"
                    and w.is_running]


async def test_ropc_shows_the_warning_and_works(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, "contoso-adele-ropc")
        assert "Microsoft discourages this flow" in text_of(app, "#profile-details")
        assert "fails for users with MFA" in text_of(app, "#profile-details")
        await acquire(pilot, app)
        assert app.attempts["contoso-adele-ropc"].ok


async def test_interactive_browser_flow(demo: tuple[EntraTuiApp, FakeClock], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        profile = app.profile_set.get("contoso-ops-browser")  # type: ignore[union-attr]
        browser = tmp_path / "browser"
        browser.write_text(BROWSER_SCRIPT.format(python=sys.executable, ca=profile.ca_bundle))
        browser.chmod(0o700)
        monkeypatch.setenv("BROWSER", str(browser))
        monkeypatch.setattr(webbrowser, "_tryorder", None)
        await select(pilot, app, "contoso-ops-browser")
        await acquire(pilot, app)
        assert app.attempts["contoso-ops-browser"].ok, app.attempts["contoso-ops-browser"].error
        assert app.attempts["contoso-ops-browser"].account == "adele.vance@contoso.onmicrosoft.com"


async def test_expired_secret_and_sign_out(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, "contoso-legacy-job")
        await acquire(pilot, app)
        assert "AADSTS7000222" in text_of(app, "#acquire-status")
        await select(pilot, app, "contoso-orders-sync")
        await acquire(pilot, app)
        await pilot.press("x")
        await wait_until(pilot, lambda: "contoso-orders-sync" not in app.tokens)
        assert any("cached tokens cleared" in n.message for n in app._notifications)
        await acquire(pilot, app)
        assert app.attempts["contoso-orders-sync"].source == "identity provider"


async def test_auto_refresh_is_scheduled_before_expiry(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, "contoso-webapp-mi")
        await acquire(pilot, app)
        assert "contoso-webapp-mi" in app.refresh_timers
        assert "Auto-refresh 10 min before expiry" in text_of(app, "#profile-details")
