"""The demo's Microsoft-API profiles at the keyboard: a v1.0 token verified through v1
metadata, a Graph token whose header nonce leaves it unchecked, an ARM token without roles,
a device-code Graph token with a groups overage, and a multi-tenant app in Fabrikam."""

from __future__ import annotations

from conftest import FABRIKAM, SIZE, FakeClock, acquire, text_of, wait_until

from entra_tui.core.verify import SignatureState
from entra_tui.ui.app import EntraTuiApp


async def goto(pilot: object, app: EntraTuiApp, name: str) -> None:
    await pilot.press("home")  # type: ignore[attr-defined]
    for _ in range(40):
        if app.current is not None and app.current.name == name:
            return
        await pilot.press("down")  # type: ignore[attr-defined]
    raise AssertionError(f"no profile {name}")


async def verify(pilot: object, app: EntraTuiApp) -> SignatureState:
    await pilot.press("v")  # type: ignore[attr-defined]
    entry = app.viewing
    await wait_until(pilot, lambda: entry.verification is not None)  # type: ignore[union-attr]
    return entry.verification.state  # type: ignore[union-attr]


def claim(app: EntraTuiApp, name: str) -> str:
    return str(app.claims_table.get_row(name)[1])


async def test_v1_custom_api_token_verifies(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await goto(pilot, app, "contoso-reports-v1")
        await acquire(pilot, app)
        assert claim(app, "ver").startswith("1.0") and claim(app, "appidacr").startswith("1")
        assert claim(app, "aud").startswith("api://contoso-reports")
        assert app.viewing.token.claims["iss"].endswith(  # type: ignore[union-attr]
            "/2d9f4b6a-8c1e-4f3a-b5d7-0e2c4a6b8d10/")
        assert await verify(pilot, app) is SignatureState.VERIFIED
        assert "Signature: verified" in text_of(app, "#summary")


async def test_graph_token_is_not_checked(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await goto(pilot, app, "contoso-graph-app")
        await acquire(pilot, app)
        assert "nonce" in app.viewing.token.header  # type: ignore[union-attr]
        assert claim(app, "roles").startswith("User.Read.All")
        assert await verify(pilot, app) is SignatureState.NOT_CHECKED
        assert "Signature: not checked: this is a Microsoft Graph token" in \
            text_of(app, "#summary")


async def test_arm_service_principal_token_has_no_roles(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await goto(pilot, app, "contoso-arm-sp")
        await acquire(pilot, app)
        token = app.viewing.token  # type: ignore[union-attr]
        assert token.claims["aud"] == "https://management.azure.com"
        assert "roles" not in token.claims and "scp" not in token.claims
        assert "nonce" not in token.header
        assert await verify(pilot, app) is SignatureState.VERIFIED


async def test_graph_device_code_carries_a_groups_overage(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await goto(pilot, app, "contoso-graph-device")
        await pilot.press("a")
        await wait_until(pilot, lambda: app.viewing is not None
                         and "_claim_names" in app.viewing.token.claims,  # type: ignore[union-attr]
                         timeout=30)
        claims = app.viewing.token.claims  # type: ignore[union-attr]
        assert set(claims["scp"].split()) == {"Group.Read.All", "User.Read"}
        assert "/graph/v1.0/users/" in claims["_claim_sources"]["src1"]["endpoint"]


async def test_multi_tenant_app_in_fabrikam(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await goto(pilot, app, "fabrikam-partner-portal")
        await acquire(pilot, app)
        claims = app.viewing.token.claims  # type: ignore[union-attr]
        assert claims["tid"] == FABRIKAM.tenant_id and claims["roles"] == ["Inventory.Read"]
