"""The profile form says where the identity provider is (cloud, authority_host, ca_bundle),
starts a new profile where the file's other profiles point (the demo: its sandbox), and asks
before Esc throws changes away."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SIZE, FakeClock, wait_until
from test_app_profiles import app_for, paste_into, problem
from test_profile_store import LAYOUT, ORIGINAL, RENAMED
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


HOSTILE = ORIGINAL.replace('[profiles.first]   # the one I use most\n', (
    '[profiles.{name}]   # the one I use most\n'
    'description = "nightly \\u001b[5mblink\\u001b[0m \\u0007 \\u202eRTL end"\n'))


@pytest.mark.parametrize("name", ["first", '"tab\\there"', '"ansi\\u001b[31mred"',
                                  '"東京-orders"'])
async def test_saving_an_untouched_form_keeps_every_value(tmp_path: Path, name: str) -> None:
    """The form shows controls escaped (untrusted text is inert), but a field left as it was
    saves the value it came with: `e` then Enter wrote the escaped rendering over the
    description (\\x1b became four plain characters), refused a name holding a tab with
    the name rules, and wrote the default flow the file leaves unsaid."""
    path = tmp_path / "profiles.toml"
    path.write_text(HOSTILE.format(name=name))
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileEditor))
        await pilot.pause()
        shown = field(app, "description").value
        assert shown == "nightly \\x1b[5mblink\\x1b[0m \\x07 \\u202eRTL end"  # inert
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
    assert path.read_text() == HOSTILE.format(name=name)  # not one byte rewritten


async def test_an_edited_field_saves_what_it_shows_and_refuses_controls(
        tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text(HOSTILE.format(name="first"))
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileEditor))
        await pilot.pause()
        description = field(app, "description")
        await paste_into(pilot, app, "description", "bell \x07 and \u202e here")
        assert problem(app) == ("Description holds a control or invisible character (\\x07): "
                                "type plain text")
        assert description.has_class("-invalid")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ProfileEditor)  # refused: nothing saved
        shown = "nightly \\x1b[5mblink\\x1b[0m \\x07 \\u202eRTL end"
        await paste_into(pilot, app, "description", shown + " (edited)")
        assert problem(app).startswith("Note: Description had control or invisible "
                                       "characters, shown escaped; as edited, it is saved "
                                       "as shown")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
    first = load_profiles(path).get("first")
    assert first is not None and first.description == shown + " (edited)"


async def test_renaming_in_the_form_changes_only_the_name(tmp_path: Path) -> None:
    """`e`, a new name, Enter: only the renamed table's headers change, byte for byte (the
    other tables kept their comments, quoting and escapes; the store's tests cover the
    layouts)."""
    path = tmp_path / "profiles.toml"
    path.write_text(LAYOUT)
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileEditor))
        await pilot.pause()
        assert field(app, "name").value == "orders"
        await paste_into(pilot, app, "name", "orders2")
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
    assert path.read_text() == RENAMED


async def test_a_blank_new_form_is_not_wrong_until_typed_in_or_saved(config: Path) -> None:
    app = app_for(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileEditor))
        await pilot.pause()
        assert problem(app) == "" and not field(app, "name").has_class("-invalid")
        await pilot.press("ctrl+s")  # a save says what is missing
        await pilot.pause()
        assert "a profile name is" in problem(app)
        assert field(app, "name").has_class("-invalid")
        assert isinstance(app.screen, ProfileEditor)
    app = app_for(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileEditor))
        await paste_into(pilot, app, "name", "bad name")  # so does typing
        assert "a profile name is" in problem(app)


async def test_keys_the_flow_does_not_use_are_kept_by_a_save(
        tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text(ORIGINAL.replace('secret = "env:ORDERS_SECRET"',
                                     'secret = "env:ORDERS_SECRET"\n'
                                     'certificate = "certs/orders.pem"  # for later'))
    app = app_for(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ProfileEditor))
        await pilot.pause()
        await paste_into(pilot, app, "scopes", "api://contoso-orders/.default api://b/.default")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ProfileEditor))
    text = path.read_text()
    assert 'certificate = "certs/orders.pem"  # for later' in text  # hidden, not deleted
    assert 'scopes = ["api://contoso-orders/.default", "api://b/.default"]' in text
