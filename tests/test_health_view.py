"""The health view (H) and the test call (T) in the TUI, against the demo's sandbox over real
HTTPS: the view draws at once and fills in from a worker; hostile text stays inert."""

from __future__ import annotations

import asyncio
import time

from conftest import SIZE, FakeClock, wait_until

from entra_tui.core.doctor import Finding, HealthReport, Level
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.screens.health_view import HealthView, render_report


async def test_health_view_draws_at_once_then_fills_in(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, clock = demo
    async with app.run_test(size=SIZE) as pilot:
        profiles = app.profile_set
        assert profiles is not None
        view = HealthView(profiles.get("contoso-graph-app"), profiles, app.session.acquire,
                          None, clock)
        app.push_screen(view)
        await pilot.pause()
        assert view.plain.startswith("Checking for contoso-graph-app")  # before any answer
        await wait_until(pilot, lambda: view.report is not None, timeout=30)
        await pilot.pause()
        text = view.plain
        assert text.startswith("Needs fixing — contoso-graph-app")
        assert "✗ Microsoft Graph: Directory.Read.All is requested but not granted" in text
        assert "fix: grant admin consent in API permissions" in text
        assert "/graph/v1.0/organization: HTTP 200" in text
        assert "eyJ" not in text  # no token
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HealthView)


async def test_the_test_call_for_an_arm_token(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, clock = demo
    async with app.run_test(size=SIZE) as pilot:
        profiles = app.profile_set
        assert profiles is not None
        arm = profiles.get("contoso-arm-sp")
        view = HealthView(arm, profiles, app.session.acquire, None, clock, test_call_only=True)
        app.push_screen(view)
        await wait_until(pilot, lambda: view.report is not None, timeout=30)
        assert "no readable token yet: acquire one first (a)" in view.plain
        result = await asyncio.to_thread(app.session.acquire, arm)  # not on the loop
        assert result.ok
        view = HealthView(arm, profiles, app.session.acquire, result.access_token, clock,
                          test_call_only=True)
        app.push_screen(view)
        await wait_until(pilot, lambda: view.report is not None, timeout=30)
        await pilot.pause()
        text = view.plain
        assert "/arm/subscriptions?api-version=2022-12-01: HTTP 200" in text
        assert "Contoso Sandbox Subscription" in text
        assert result.access_token not in text


def test_hostile_text_renders_inert() -> None:
    report = HealthReport("p\x1b]52;c;eA==\x07", (Finding(
        "permissions", Level.PROBLEM, "[@click=app.quit]x[/] \u202egnp.exe\nfake line",
        "[b]fix[/b]"),))
    text = render_report(report)
    assert "\x1b" not in text.plain and "\u202e" not in text.plain
    assert "[@click=app.quit]x[/]" in text.plain  # shown as written, never parsed
    assert "\\nfake line" in text.plain
    assert time.time() > 0


async def test_names_fill_in_under_the_claims(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    """ClaimsTable.show_names: a line under each named claim, masked in presentation mode,
    only for the token it was made for."""
    from entra_tui.core.token import decode_token
    from entra_tui.ui.widgets.claims_table import ClaimsTable

    app, clock = demo
    async with app.run_test(size=SIZE) as pilot:
        profiles = app.profile_set
        assert profiles is not None
        result = await asyncio.to_thread(app.session.acquire, profiles.get("contoso-graph-app"))
        token = decode_token(result.access_token)
        table = app.query_one(ClaimsTable)
        table.show_token(token)
        table.show_names(token, {"oid": ("→ Adele Vance (adele@contoso.example)", "→ •••"),
                                 "aud": ("→ Microsoft Graph", "→ Microsoft Graph")})
        await pilot.pause()
        assert "→ Adele Vance (adele@contoso.example)" in table.get_row("oid")[1].plain
        assert "→ Microsoft Graph" in table.get_row("aud")[1].plain
        table.set_presentation(True)
        assert "Adele" not in table.get_row("oid")[1].plain
        assert "→ •••" in table.get_row("oid")[1].plain
        other = decode_token(result.access_token)  # another token object: not named
        table.show_token(other)
        assert "→" not in table.get_row("aud")[1].plain
        table.set_presentation(False)
        table.show_token(token)  # back: its names come back with it
        assert "→ Adele Vance (adele@contoso.example)" in table.get_row("oid")[1].plain


async def goto(pilot: object, app: EntraTuiApp, name: str) -> None:
    await pilot.press("home")  # type: ignore[attr-defined]
    for _ in range(40):
        if app.current is not None and app.current.name == name:
            return
        await pilot.press("down")  # type: ignore[attr-defined]
    raise AssertionError(f"no profile {name}")


def row(app: EntraTuiApp, name: str) -> str:
    return app.claims_table.get_row(name)[1].plain


async def test_keys_names_fill_in_then_h_and_t(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    """a on the Orders daemon: the claims draw at once, then names fill in from the
    directory (read with contoso-graph-app, the demo's graph_profile); H opens the health
    view, T the test call; Esc closes each."""
    from conftest import acquire

    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await goto(pilot, app, "contoso-orders-sync")
        await acquire(pilot, app)
        assert row(app, "azp")  # drawn before any name arrived
        await wait_until(pilot, lambda: "→" in row(app, "tid"), timeout=30)
        assert "→ Contoso (contoso.onmicrosoft.com)" in row(app, "tid")
        assert "→ Contoso Order Sync (app id " in row(app, "azp")
        assert "→ Orders.Read.All; Orders.ReadWrite.All" in row(app, "roles")
        await pilot.press("H")
        await wait_until(pilot, lambda: isinstance(app.screen, HealthView)
                         and app.screen.report is not None, timeout=30)
        text = app.screen.plain
        assert text.startswith("Healthy — contoso-orders-sync")
        assert "accessTokenAcceptedVersion 2" in text
        await pilot.press("escape")
        await goto(pilot, app, "contoso-arm-sp")
        await acquire(pilot, app)
        await pilot.press("T")
        await wait_until(pilot, lambda: isinstance(app.screen, HealthView)
                         and app.screen.report is not None, timeout=30)
        assert "/arm/subscriptions?api-version=2022-12-01: HTTP 200" in app.screen.plain
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, HealthView))


async def test_fabrikam_names_say_why(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    from conftest import acquire

    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await goto(pilot, app, "fabrikam-inventory")
        await acquire(pilot, app)
        await wait_until(pilot, lambda: "→" in row(app, "tid"), timeout=30)
        assert row(app, "tid").endswith(
            "→ ? the Graph profile 'contoso-graph-app' reads another tenant")


async def test_switching_between_tokens_of_different_heights_keeps_the_scrollbar_true(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    """Names make two tokens' tables differ in height; the switch skips the layout pass
    (only the thumb changes) and the scrollbar still measures the shown token."""
    from conftest import acquire

    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        heights = {}
        for name in ("contoso-orders-sync", "contoso-billing-cert"):
            await goto(pilot, app, name)
            await acquire(pilot, app)
            await wait_until(pilot, lambda: "→" in row(app, "tid"), timeout=30)
            await pilot.pause()
            heights[name] = app.claims_table.virtual_size.height
        assert len(set(heights.values())) == 2, heights
        pane = app.claims_table.scrollable_content_region.height
        assert min(heights.values()) > pane  # the path without a layout pass
        for name in ("contoso-orders-sync", "contoso-billing-cert", "contoso-orders-sync"):
            await goto(pilot, app, name)
            await pilot.pause()
            table = app.claims_table
            assert table.virtual_size.height == heights[name]
            assert table.vertical_scrollbar.window_virtual_size == heights[name]


async def test_hostile_directory_names_are_inert_in_the_claims_pane(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    from entra_tui.core.directory_names import Name, name_lines
    from entra_tui.core.token import decode_token

    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        profiles = app.profile_set
        assert profiles is not None
        result = await asyncio.to_thread(app.session.acquire, profiles.get("contoso-arm-sp"))
        token = decode_token(result.access_token)
        hostile = {"aud": {str(token.claims["aud"]): Name(
            "\x1b]0;pwned\x07[@click=app.quit]Evil[/]\u202e\nSignature: VERIFIED",
            kind="servicePrincipal")}}
        plain, masked = name_lines(hostile), name_lines(hostile, hide_people=True)
        app.claims_table.show_token(token)
        app.claims_table.show_names(token, {"aud": (plain["aud"], masked["aud"])})
        await pilot.pause()
        cell = app.claims_table.get_row("aud")[1].plain
        assert "\x1b" not in cell and "\u202e" not in cell and "\x07" not in cell
        assert "[@click=app.quit]Evil[/]" in cell and "\\nSignature: VERIFIED" in cell


async def test_h_after_a_failed_acquisition_reads_its_sign_in(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    """AADSTS7000215 in the error panel; H looks that very attempt up in the sign-in log."""
    from conftest import acquire

    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await goto(pilot, app, "contoso-wrong-secret")
        await acquire(pilot, app)
        failed = app.attempts["contoso-wrong-secret"].error
        assert failed is not None and failed.correlation_id
        await pilot.press("H")
        await wait_until(pilot, lambda: isinstance(app.screen, HealthView)
                         and app.screen.report is not None, timeout=30)
        text = app.screen.plain
        assert "failed with AADSTS7000215" in text
        sign_ins = app.screen.report.sign_ins
        assert [s["correlationId"] for s in sign_ins] == [failed.correlation_id]
