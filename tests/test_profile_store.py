"""Saving profiles from the app keeps the user's file: comments, order, a backup, atomic."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from entra_tui.core.errors import ConfigError
from entra_tui.core.profile_store import ProfileStore, backup_path
from entra_tui.core.profiles import load_profiles

ORIGINAL = """\
# My tenants. Keep this comment.
[settings]
timeout_seconds = 20

[profiles.first]   # the one I use most
tenant = "contoso.onmicrosoft.com"
client_id = "11111111-1111-4111-8111-111111111111"  # orders-sync
scopes = ["api://contoso-orders/.default"]
secret = "env:ORDERS_SECRET"

# second comes after first
[profiles.second]
tenant = "contoso.onmicrosoft.com"
client_id = "22222222-2222-4222-8222-222222222222"
flow = "device_code"
scopes = ["User.Read"]
"""
NEW = {"tenant": "fabrikam.onmicrosoft.com", "client_id": "33333333-3333-4333-8333-333333333333",
       "flow": "client_secret", "scopes": ["https://graph.microsoft.com/.default"],
       "secret": "file:~/.secrets/fabrikam"}


@pytest.fixture
def store(tmp_path: Path) -> ProfileStore:
    path = tmp_path / "profiles.toml"
    path.write_text(ORIGINAL)
    path.chmod(0o640)
    return ProfileStore(path)


def test_adding_a_profile_keeps_comments_order_and_a_backup(store: ProfileStore) -> None:
    result = store.save_profile("third", NEW)
    assert result.names() == ["first", "second", "third"]
    text = store.path.read_text()
    assert text.startswith(ORIGINAL)  # every byte of the user's file is still there
    assert backup_path(store.path).read_text() == ORIGINAL
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o640  # the user's mode is kept
    assert stat.S_IMODE(backup_path(store.path).stat().st_mode) == 0o600



def test_saving_without_a_change_writes_nothing(store: ProfileStore) -> None:
    """Saving a profile as it is leaves the file alone, and the backup still holds the file
    as it was before the last real change (it used to be overwritten with the same text)."""
    store.save_profile("third", NEW)
    changed = store.path.read_bytes()
    kept = store.path.stat().st_mtime_ns
    result = store.save_profile("third", NEW, previous_name="third")
    assert result.names() == ["first", "second", "third"]
    assert store.path.read_bytes() == changed and store.path.stat().st_mtime_ns == kept
    assert backup_path(store.path).read_text() == ORIGINAL

def test_editing_changes_only_what_changed(store: ProfileStore) -> None:
    store.save_profile("first", {"scopes": ["api://contoso-orders/Orders.Read/.default"],
                                 "description": "nightly sync", "secret": "env:ORDERS_SECRET"},
                       previous_name="first")
    text = store.path.read_text()
    assert "# the one I use most" in text and "# orders-sync" in text
    assert 'description = "nightly sync"' in text
    assert load_profiles(store.path).get("first").scopes == (  # type: ignore[union-attr]
        "api://contoso-orders/Orders.Read/.default",)


def test_rename_keeps_position_and_comments(store: ProfileStore) -> None:
    result = store.save_profile("primary", {"description": None}, previous_name="first")
    assert result.names() == ["primary", "second"]
    text = store.path.read_text()
    assert "[profiles.primary]   # the one I use most" in text
    assert "# second comes after first" in text and "[profiles.first]" not in text


def test_duplicate_and_delete(store: ProfileStore) -> None:
    assert store.duplicate_profile("second", "second-copy").names() == [
        "first", "second", "second-copy"]
    assert store.delete_profile("first").names() == ["second", "second-copy"]
    assert "# My tenants. Keep this comment." in store.path.read_text()


@pytest.mark.parametrize(("name", "fields", "key"), [
    ("bad name!", NEW, "name"),
    ("second", NEW, "name"),  # taken
    ("x", {**NEW, "tenant": "not a tenant"}, "tenant"),
    ("x", {**NEW, "client_id": "orders-sync"}, "client_id"),
    ("x", {**NEW, "secret": "hunter2-the-actual-secret"}, "secret"),  # a value, not a ref
    ("x", {**NEW, "scopes": []}, "scopes"),
])
def test_invalid_profiles_are_refused_and_nothing_is_written(
        store: ProfileStore, name: str, fields: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        store.save_profile(name, fields)
    assert caught.value.key == key
    assert "hunter2" not in str(caught.value)
    assert store.path.read_text() == ORIGINAL
    assert not backup_path(store.path).exists()


def test_a_broken_file_is_never_overwritten(store: ProfileStore) -> None:
    store.path.write_text(ORIGINAL + "\n[profiles.broken\n")
    with pytest.raises(ConfigError) as caught:
        store.save_profile("third", NEW)
    assert caught.value.line is not None
    assert store.path.read_text().endswith("[profiles.broken\n")


def test_a_new_file_is_created_private(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "sub" / "profiles.toml")
    assert store.save_profile("only", NEW).names() == ["only"]
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.path.read_text().startswith("# entra-tui profiles")


def test_ui_choices_are_remembered(store: ProfileStore) -> None:
    assert store.set_ui("theme", "nord").ui.theme == "nord"
    assert load_profiles(store.path).ui.theme == "nord"
    assert store.path.read_text().startswith(ORIGINAL)


def test_cli_keywords_cannot_name_a_profile(store: ProfileStore) -> None:
    # `entra-tui token env` reads AZURE_*: a profile called env could never be used there.
    with pytest.raises(ConfigError, match="reserved"):
        store.save_profile("env", NEW)
    with pytest.raises(ConfigError, match="reserved") as caught:
        store.duplicate_profile("first", "ENV")
    # Only lowercase `env` reads the environment: the message said `token ENV` did.
    assert "`entra-tui token ENV`" not in str(caught.value)
    assert "only its case tells it from `env`" in str(caught.value)
    _, names = store.add_profiles([("env", NEW)])
    assert names == ["env-2"]
    # A profile the file already names so (the loader takes it) is edited without a
    # forced rename.
    store.path.write_text(ORIGINAL.replace("[profiles.second]", "[profiles.ENV]"))
    assert "ENV" in store.save_profile("ENV", {"description": "kept"},
                                       previous_name="ENV").names()


def test_a_name_the_file_already_holds_is_kept_when_editing(tmp_path: Path) -> None:
    # The loader takes any name the file holds; editing such a profile's secret must not
    # force a rename, while a new profile (or a rename) still follows the name rules.
    path = tmp_path / "profiles.toml"
    path.write_text(ORIGINAL.replace("[profiles.second]", '[profiles."東京-orders"]'))
    store = ProfileStore(path)
    assert "東京-orders" in load_profiles(path).names()
    edited = store.save_profile("東京-orders", {**NEW, "flow": "client_secret"},
                                previous_name="東京-orders")
    assert edited.names() == ["first", "東京-orders"]
    saved = load_profiles(path).get("東京-orders")
    assert saved is not None and saved.tenant == NEW["tenant"]
    with pytest.raises(ConfigError, match="a profile name is 1-64 ASCII letters"):
        store.save_profile("大阪-orders", NEW, previous_name="東京-orders")  # 大 is a letter
    with pytest.raises(ConfigError, match="a profile name is"):
        store.save_profile("東京-copy", NEW)


DEVICE = ('tenant = "contoso.onmicrosoft.com"\n'
          'client_id = "22222222-2222-4222-8222-222222222222"\nflow = "device_code"\n'
          'scopes = ["User.Read"]\n')
LAYOUT = (f'# Orders daemon, prod\n[profiles.orders]   # trailing comment\n{DEVICE}'
          '\n[profiles.orders.expect]  # checked by the report\naudiences = ["api://orders"]\n'
          f'\n# Billing, staging\n[profiles."billing"]\n{DEVICE}'
          f'\n[ui]\ntheme = "nord"\n\n# Reports\n[ profiles . \'reports\' ]\n{DEVICE}'
          'description = """a [profiles.orders] table\nin a string"""\n'
          f'\n[profiles."c1\\u009b31mcsi"]\n{DEVICE}')
INLINE = '{ tenant = "contoso.onmicrosoft.com", client_id = "22222222-2222-4222-8222-222222222222", flow = "device_code", scopes = ["User.Read"] }'  # noqa: E501
DOTTED = "".join(f"orders.{line}\n" for line in DEVICE.splitlines())


RENAMED = LAYOUT.replace("[profiles.orders]   #", "[profiles.orders2]   #").replace(
    "[profiles.orders.expect]", "[profiles.orders2.expect]")  # not the one in the string


@pytest.mark.parametrize(("original", "renamed"), [
    (LAYOUT, RENAMED),
    (LAYOUT.replace("\n", "\r\n"), RENAMED.replace("\n", "\r\n")),
    (LAYOUT.replace("[profiles.orders]   #", '[profiles."orders"]   #'),
     RENAMED.replace("[profiles.orders2]", '[profiles."orders2"]')),
    (f"[profiles]  # all of them\norders = {INLINE}  # c\n'billing' = {INLINE}\n",
     f"[profiles]  # all of them\norders2 = {INLINE}  # c\n'billing' = {INLINE}\n"),
    (f"# top\n[profiles]\n{DOTTED}\n# next\n\"billing\" = {INLINE}\n",
     f"# top\n[profiles]\n{DOTTED.replace('orders.', 'orders2.')}\n# next\n"
     f"\"billing\" = {INLINE}\n"),
    (f"profiles = {{ orders = {INLINE}, \"billing\" = {INLINE} }}\n",
     f"profiles = {{ orders2 = {INLINE}, \"billing\" = {INLINE} }}\n"),
], ids=["tables", "crlf", "quoted", "inline", "dotted", "inline-top"])
def test_a_rename_changes_only_the_renamed_name(tmp_path: Path, original: str,
                                                renamed: str) -> None:
    """Renaming rewrote every table of [profiles]: a blank line came between each later
    table and the comment above it, `[profiles."billing"]` lost its quotes and an escaped
    `\\u009b` was written back as the raw C1 byte. Now only the name's own spelling changes,
    in every layout TOML allows."""
    path = tmp_path / "profiles.toml"
    path.write_bytes(original.encode())
    before = load_profiles(path).names()
    result = ProfileStore(path).save_profile("orders2", {}, previous_name="orders")
    assert path.read_bytes() == renamed.encode()
    assert result.names() == [("orders2" if n == "orders" else n) for n in before]
    assert backup_path(path).read_bytes() == original.encode()
    # Saving the renamed profile as the editor does (every field it shows) changes nothing.
    shown = {"flow": "device_code", "tenant": "contoso.onmicrosoft.com",
             "client_id": "22222222-2222-4222-8222-222222222222", "scopes": ["User.Read"]}
    ProfileStore(path).save_profile("orders2", shown, previous_name="orders2")
    assert path.read_bytes() == renamed.encode()


INLINE_LAYOUTS = [
    '[profiles]\nx = { tenant = "contoso.onmicrosoft.com", client_id = '
    '"11111111-1111-4111-8111-111111111111", secret = "env:S", scopes = ["s"] }\n',
    'profiles = { x = { tenant = "contoso.onmicrosoft.com", client_id = '
    '"11111111-1111-4111-8111-111111111111", secret = "env:S", scopes = ["s"] } }\n',
]


@pytest.mark.parametrize("layout", INLINE_LAYOUTS)
def test_profiles_written_as_inline_tables_can_be_changed(tmp_path: Path, layout: str) -> None:
    # tomlkit refuses a standard table inside an inline one: the save raised a ValueError
    # that reached the TUI as a traceback.
    path = tmp_path / "profiles.toml"
    path.write_text(layout)
    store = ProfileStore(path)
    store.save_profile("x", {"expect": {"roles": ["Orders.Read"]}}, previous_name="x")
    store.duplicate_profile("x", "x2")
    store.save_profile("new", {**NEW, "expect": {"audiences": ["api://a"]}})
    _, added = store.add_profiles([("imported", NEW)])
    loaded = load_profiles(path)
    assert loaded.names() == ["x", "x2", "new", "imported"] and added == ["imported"]
    for name in ("x", "x2"):
        saved = loaded.get(name)
        assert saved is not None and saved.expect.roles == ("Orders.Read",)
    new = loaded.get("new")
    assert new is not None and new.expect.audiences == ("api://a",)


def test_a_layout_tomlkit_cannot_edit_is_refused_and_the_file_kept(
        store: ProfileStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever tomlkit refuses comes back as a ConfigError (a message, never a traceback).
    import entra_tui.core.profile_store as profile_store

    def refuse(table: object, fields: object) -> None:
        raise ValueError("Inline tables cannot contain a table")

    monkeypatch.setattr(profile_store, "_merge", refuse)
    before = store.path.read_bytes()
    with pytest.raises(ConfigError, match="cannot change this file's layout"):
        store.save_profile("third", NEW)
    assert store.path.read_bytes() == before
