"""Copy actions and help, from the keyboard: what lands on the clipboard, exactly."""

from __future__ import annotations

from conftest import SIZE, FakeClock, acquire, wait_until
from test_token import CLAIMS, make
from textual.widgets import Static

from entra_tui.core.curl import curl_command
from entra_tui.core.token import decode_token
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.screens.help import HelpScreen
from entra_tui.ui.screens.main import MainScreen
from entra_tui.ui.widgets.profile_list import ProfileList


async def test_copy_header_claim_and_curl(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await acquire(pilot, app)
        token = app.viewing.token  # type: ignore[union-attr]
        await pilot.press("C")
        assert app.clipboard == f"Authorization: Bearer {token.raw}"
        table = app.claims_table
        table.focus()
        table.move_cursor(row=list(token.claims).index("roles"))
        await pilot.press("y")
        assert app.clipboard == '["Orders.Read.All", "Orders.ReadWrite.All"]'
        table.move_cursor(row=0)
        await pilot.press("y")
        assert app.clipboard == token.claims["aud"]
        await pilot.press("u")  # the demo's sandbox CA goes with it (profile's ca_bundle)
        profile = app.profile_set.get(app.viewing.profile_name)  # type: ignore[union-attr]
        assert app.clipboard == curl_command(token, profile)
        assert profile is not None and f"--cacert {profile.ca_bundle}" in app.clipboard
        await pilot.press("i")  # app-only: there is no ID token, and it says so
        assert any("No ID token" in n.message for n in app._notifications)


async def test_copy_id_token_after_a_user_sign_in(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(ProfileList).highlight_profile("contoso-adele-ropc")
        await pilot.pause()
        await acquire(pilot, app)
        await pilot.press("i")
        id_token = app.tokens["contoso-adele-ropc"].id_token
        assert id_token and app.clipboard == id_token
        assert decode_token(id_token).claims["aud"] == app.current.client_id  # type: ignore[union-attr]


async def test_help_lists_every_key(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = " ".join(str(row) for row in app.screen.query_one("#help-keys", Static)
                         .content.columns[1]._cells)
        for binding in MainScreen.BINDINGS:
            if not binding.id.startswith("profiles.jump"):  # type: ignore[union-attr]
                assert binding.description in shown, binding.description
        assert "Profiles, grouped by tenant" in str(
            app.screen.query_one("#help-pane", Static).content)
        await pilot.press("escape")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)


def test_curl_targets_graph_me_or_organization() -> None:
    delegated = decode_token(make({"aud": "https://graph.microsoft.com", "scp": "User.Read"}))
    app_only = decode_token(make({"aud": "00000003-0000-0000-c000-000000000000",
                                  "idtyp": "app", "roles": ["User.Read.All"]}))
    other = decode_token(make(CLAIMS))
    assert curl_command(delegated).endswith("https://graph.microsoft.com/v1.0/me")
    assert curl_command(app_only).endswith("https://graph.microsoft.com/v1.0/organization")
    assert "YOUR-API" in curl_command(other)
    assert curl_command(other).startswith("curl -sS -H 'Authorization: Bearer eyJ")


async def test_mouse_selection_in_the_details_copies_with_ctrl_c(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    # TextLines once overrode Widget._render: Ctrl+C over a selection raised a TypeError.
    from textual.selection import Selection

    from entra_tui.ui.widgets.text_lines import TextLines

    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        details = app.query_one("#profile-details", TextLines)
        await pilot.pause()
        app.screen.selections = {details: Selection(None, None)}
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.return_code is None  # still running
        assert app.current is not None and app.current.client_id in (app.clipboard or "")


async def test_c_copies_the_access_token_not_the_id_token_after_a_user_sign_in(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    """A user sign-in returns an access token and an ID token: `c` is the access token."""
    app, _ = demo
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.current is not None)
        app.query_one(ProfileList).highlight_profile("contoso-adele-ropc")
        await pilot.pause()
        await acquire(pilot, app)
        result = app.attempts["contoso-adele-ropc"]
        assert result.ok and result.id_token and result.id_token != result.access_token
        await pilot.press("c")
        assert app.clipboard == result.access_token
        assert decode_token(app.clipboard).claims.get("scp") == "Orders.Read"


def test_curl_for_arm_lists_subscriptions_in_the_token_cloud() -> None:
    call = "/subscriptions?api-version=2022-12-01"
    cases = [
        ({"aud": "https://management.azure.com/", "iss": "https://sts.windows.net/t/"},
         "https://management.azure.com"),
        ({"aud": "https://management.core.windows.net/"}, "https://management.azure.com"),
        ({"aud": "797f4846-ba00-4fd7-ba43-dac1f8f63013",
          "iss": "https://login.microsoftonline.com/t/v2.0"}, "https://management.azure.com"),
        ({"aud": "https://management.usgovcloudapi.net/"},
         "https://management.usgovcloudapi.net"),
        ({"aud": "797f4846-ba00-4fd7-ba43-dac1f8f63013",
          "iss": "https://login.microsoftonline.us/t/v2.0"},
         "https://management.usgovcloudapi.net"),
        ({"aud": "https://management.core.chinacloudapi.cn/"},
         "https://management.chinacloudapi.cn"),
    ]
    for claims, origin in cases:
        command = curl_command(decode_token(make({**claims, "idtyp": "app"})))
        assert command.endswith(f"'{origin}{call}'"), (claims, command)


def test_us_gov_azure_cli_import_asks_for_the_us_gov_arm_scope() -> None:
    from pathlib import Path

    from entra_tui.core.azure_cli import profiles_from_azure_cli

    found = dict(profiles_from_azure_cli(Path(__file__).parent / "fixtures"
                                         / "azureProfile.json"))
    public, usgov = found["azcli-contoso"], found["azcli-7e6d5c4b"]
    assert public["scopes"] == ["https://management.azure.com/.default"]
    assert usgov["cloud"] == "usgov"
    assert usgov["scopes"] == ["https://management.usgovcloudapi.net/.default"]
