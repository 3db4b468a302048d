"""The profile form says where the identity provider is (cloud, authority_host, ca_bundle),
starts a new profile where the file's other profiles point (the demo: its sandbox), and asks
before Esc throws changes away."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SIZE, FakeClock, wait_until
from test_app_profiles import app_for, paste_into, problem
from test_profile_store import ORIGINAL
from textual.widgets import Input, Static

from entra_tui.core.profiles import load_profiles
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.screens.confirm import Confirm
from entra_tui.ui.screens.profile_editor import ProfileEditor


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "profiles.toml"
    path.write_text(ORIGINAL)
    return path


def field(app: EntraTuiApp, name: str) -> Input:
    return app.screen.query_one(f"#field-{name}", Input)


async def test_in_the_demo_a_new_profile_points_at_the_sandbox(
        demo: tuple[EntraTuiApp, FakeClock]) -> None:
    app, _ = demo
    assert app.profile_set is not None
    sandbox = app.profile_set.get("contoso-orders-sync")
    assert sandbox is not None and sandbox.ca_bundle
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileEditor))
        await pilot.pause()
        assert field(app, "authority-host").value == sandbox.authority_host
        assert field(app, "ca-bundle").value == sandbox.ca_bundle
        await paste_into(pilot, app, "name", "my-new-app")
        await paste_into(pilot, app, "tenant", "contoso.onmicrosoft.com")
        await paste_into(pilot, app, "client-id", "33333333-3333-4333-8333-333333333333")
        await paste_into(pilot, app, "scopes", "api://contoso-orders/.default")
        await paste_into(pilot, app, "secret", "env:MY_NEW_APP_SECRET")
        assert problem(app) == ""
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
        saved = load_profiles(app.profile_set.path).get("my-new-app")
        assert saved is not None and saved.authority_host == sandbox.authority_host
        assert saved.ca_bundle == sandbox.ca_bundle


async def test_location_fields_are_checked_and_saved(config: Path) -> None:
    app = app_for(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert field(app, "authority-host").value == ""  # public Entra: nothing to prefill
        await paste_into(pilot, app, "authority-host", "http://login.example")
        assert "https://" in problem(app)
        assert field(app, "authority-host").has_class("-invalid")
        await paste_into(pilot, app, "authority-host", "")
        await paste_into(pilot, app, "cloud", "mars")
        assert "mars" in problem(app) and field(app, "cloud").has_class("-invalid")
        await paste_into(pilot, app, "cloud", "usgov")
        await paste_into(pilot, app, "ca-bundle", "no-such-ca.pem")
        assert "no CA bundle at" in problem(app)  # said, but it does not stop a save
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
    first = load_profiles(config).get("first")
    assert first is not None and first.authority_host == "https://login.microsoftonline.us"
    assert first.ca_bundle == str(config.parent / "no-such-ca.pem")


async def test_escape_asks_before_throwing_changes_away(config: Path) -> None:
    app = app_for(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert not isinstance(app.screen, (ProfileEditor, Confirm))
        await pilot.press("n")
        await pilot.pause()
        await paste_into(pilot, app, "name", "half-done")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")  # keep editing: nothing lost
        await pilot.pause()
        assert isinstance(app.screen, ProfileEditor)
        assert field(app, "name").value == "half-done"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, (ProfileEditor, Confirm))
    assert config.read_text() == ORIGINAL


async def test_the_hint_names_enter_which_saves(config: Path) -> None:
    """Enter in a one-line field submits the form, as in most forms: the hint says so."""
    app = app_for(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileEditor))
        hint = str(app.screen.query_one("#editor-help", Static).content)
        assert hint.startswith("Enter or Ctrl+S saves")
        await paste_into(pilot, app, "description", "saved with Enter")
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
    first = load_profiles(config).get("first")
    assert first is not None and first.description == "saved with Enter"


async def test_a_field_at_fault_still_shows_what_is_typed(config: Path) -> None:
    """A one-line field marked invalid keeps its one line for the text (Input's own invalid
    border took the line, and the name of a new profile was hidden until it was valid)."""
    app = app_for(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileEditor))
        await paste_into(pilot, app, "name", "ab$")
        name = field(app, "name")
        assert name.has_class("-invalid") and name.size.height == 1
        assert "ab$" in name.render_line(0).text


async def test_a_profile_named_outside_the_rules_is_edited_without_a_rename(
        tmp_path: Path) -> None:
    # The file's own name passes as it is; typing a new name outside the rules does not.
    path = tmp_path / "profiles.toml"
    path.write_text(ORIGINAL.replace("[profiles.first]", '[profiles."東京-orders"]'))
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileEditor))
        await pilot.pause()
        assert field(app, "name").value == "東京-orders"
        await paste_into(pilot, app, "secret", "env:TOKYO_SECRET")
        assert problem(app) == ""
        await paste_into(pilot, app, "name", "大阪-orders")
        assert "a profile name is" in problem(app)
        await paste_into(pilot, app, "name", "東京-orders")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
    saved = load_profiles(path).get("東京-orders")
    assert saved is not None and saved.secret == "env:TOKYO_SECRET"
