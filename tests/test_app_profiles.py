"""Managing profiles from the keyboard: the form, the file it writes, the list it updates."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SIZE, FakeClock, acquire, text_of, wait_until
from test_profile_store import ORIGINAL
from textual import events
from textual.widgets import Input, Select, Static

from entra_tui.cli import build_app
from entra_tui.core.profile_store import backup_path
from entra_tui.core.profiles import load_profiles
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.screens.confirm import Confirm
from entra_tui.ui.screens.profile_editor import ProfileEditor
from entra_tui.ui.widgets.profile_list import ProfileList


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "profiles.toml"
    path.write_text(ORIGINAL)
    return path


def app_for(config: Path) -> EntraTuiApp:
    app, _ = build_app(config=config)
    return app


async def type_into(pilot: object, app: EntraTuiApp, field: str, text: str) -> None:
    widget = app.screen.query_one(f"#field-{field}", Input)
    widget.value = ""
    widget.focus()
    await pilot.press(*text)  # type: ignore[attr-defined]


async def paste_into(pilot: object, app: EntraTuiApp, field: str, text: str) -> None:
    """As a terminal pastes into the focused field: one change, where typing a long value
    key by key costs ~0.1 s a key and checks nothing more."""
    widget = app.screen.query_one(f"#field-{field}", Input)
    widget.value = ""
    widget.focus()
    app.post_message(events.Paste(text))
    await pilot.pause()  # type: ignore[attr-defined]


def problem(app: EntraTuiApp) -> str:
    return str(app.screen.query_one("#editor-problem", Static).content)


async def test_create_a_profile_with_validation_as_you_type(config: Path) -> None:
    app = app_for(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ProfileEditor)
        await paste_into(pilot, app, "name", "fabrikam-reader")
        await type_into(pilot, app, "tenant", "fabrikam")  # checked as it is typed
        assert "neither a GUID nor a domain" in problem(app)
        assert app.screen.query_one("#field-tenant", Input).has_class("-invalid")
        await paste_into(pilot, app, "tenant", "fabrikam.onmicrosoft.com")
        await paste_into(pilot, app, "client-id", "33333333-3333-4333-8333-333333333333")
        await paste_into(pilot, app, "scopes", "https://graph.microsoft.com/.default")
        await paste_into(pilot, app, "secret", "s3cr3t-value")  # a value, not a reference
        assert "env:" in problem(app) and "s3cr3t-value" not in problem(app)
        await pilot.press("ctrl+s")  # refused while invalid
        assert isinstance(app.screen, ProfileEditor)
        await paste_into(pilot, app, "secret", "env:FABRIKAM_SECRET")
        assert problem(app) == ""
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
        assert app.current is not None and app.current.name == "fabrikam-reader"
        assert "fabrikam-reader" in app.query_one(ProfileList).ordered[-1].name
    text = config.read_text()
    assert text.startswith(ORIGINAL) and "s3cr3t" not in text
    assert backup_path(config).read_text() == ORIGINAL


async def test_edit_rename_keeps_comments_and_switching_flow_shows_its_fields(
        config: Path) -> None:
    app = app_for(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, ProfileEditor)
        assert editor.query_one("#field-secret", Input).value == "env:ORDERS_SECRET"
        editor.query_one("#field-flow", Select).value = "device_code"
        await pilot.pause()
        assert not editor.query_one("#row-secret").display
        editor.query_one("#field-flow", Select).value = "client_secret"
        await pilot.pause()
        await type_into(pilot, app, "name", "primary")
        await type_into(pilot, app, "description", "nightly sync")
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
        assert [p.name for p in app.query_one(ProfileList).ordered] == ["primary", "second"]
    text = config.read_text()
    assert "[profiles.primary]   # the one I use most" in text and "# orders-sync" in text
    assert load_profiles(config).get("primary").description == "nightly sync"  # type: ignore[union-attr]


async def test_duplicate_then_delete_with_confirmation(config: Path) -> None:
    app = app_for(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("D")
        await pilot.pause()
        assert app.screen.query_one("#field-name", Input).value == "first-copy"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
        assert load_profiles(config).names() == ["first", "second", "first-copy"]
        assert app.current is not None and app.current.name == "first-copy"
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")  # changed my mind
        assert load_profiles(config).names() == ["first", "second", "first-copy"]
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await wait_until(pilot, lambda: len(app.query_one(ProfileList).ordered) == 2)
    assert load_profiles(config).names() == ["first", "second"]
    assert config.read_text().startswith("# My tenants. Keep this comment.")


async def test_duplicate_keeps_every_key_of_the_table(tmp_path: Path) -> None:
    # authority_host, ca_bundle and [expect] are not on the form: the copy keeps them anyway.
    config = tmp_path / "profiles.toml"
    config.write_text(ORIGINAL.replace('secret = "env:ORDERS_SECRET"\n', (
        'secret = "env:ORDERS_SECRET"\nauthority_host = "https://127.0.0.1:8443"\n'
        'ca_bundle = "/tmp/sandbox-ca.pem"\n\n[profiles.first.expect]\n'
        'audiences = ["api://contoso-orders"]\nroles = ["Orders.Read.All"]\n')))
    app = app_for(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("D")
        await pilot.pause()
        await type_into(pilot, app, "name", "first-staging")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
    import tomllib

    tables = tomllib.loads(config.read_text())["profiles"]
    # The flow select was left at the default the original leaves unsaid: still unsaid.
    assert tables["first-staging"] == tables["first"]
    assert tables["first-staging"]["expect"]["roles"] == ["Orders.Read.All"]


async def test_a_broken_file_cannot_be_edited_over(config: Path) -> None:
    config.write_text(ORIGINAL + "[profiles.broken\n")
    app = app_for(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, ProfileEditor)
        assert any("fix it first" in n.message for n in app._notifications)
    assert config.read_text().endswith("[profiles.broken\n")


async def test_filter_by_typing_and_state_per_profile(demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, clock = demo
    async with app.run_test(size=SIZE) as pilot:
        profiles = app.query_one(ProfileList)
        await pilot.press("j", "j", "a")  # typed fast: acquires for the profile two down
        await wait_until(pilot, lambda: "contoso-wrong-secret" in app.attempts)
        assert profiles.states["contoso-wrong-secret"].kind == "error"
        await pilot.press("/", *"orders sync", "enter")
        assert [p.name for p in profiles.ordered] == ["contoso-orders-sync"]
        assert app.focused is profiles
        await acquire(pilot, app)
        state = profiles.states["contoso-orders-sync"]
        assert state.kind == "valid" and state.label in ("● 1h00", "● 59m")  # 3600 s or 3599
        clock.now += 57 * 60
        app.main.refresh_relative_times()
        assert profiles.states["contoso-orders-sync"].kind == "expiring"
        clock.now += 10 * 60
        app.main.refresh_relative_times()
        assert profiles.states["contoso-orders-sync"].label == "○ expired"
        await pilot.press("/", *"zzz")
        assert profiles.ordered == []
        assert "No profile matches 'zzz'" in text_of(app, "#profiles-message")
        await pilot.press("escape")
        assert len(profiles.ordered) == 19 and app.focused is profiles
