"""One broken profile does not hide the others (issue 13): the TUI lists the good ones and
says where the broken one is wrong; `entra-tui token` works for the good ones and says why
for the broken one (exit 3); the file is left untouched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ORDERS_SYNC, SIZE, text_of

from entra_tui.core.errors import ConfigError
from entra_tui.core.profiles import load_profiles
from entra_tui.core.token import decode_token
from entra_tui.demo import demo_profiles_toml
from entra_tui.sandbox import Sandbox
from entra_tui.ui.app import EntraTuiApp
from entra_tui.ui.widgets.profile_list import ProfileList

BROKEN = """
[profiles.typo]
tenant = "contoso.onmicrosoft.com"
client_id = "11111111-2222-4333-8444-555555555555"
flow = "client_secret"
secret = "env:TYPO_SECRET"
scopes = ["https://graph.microsoft.com/.default"]
  colud = "usgov"
"""


@pytest.fixture
def mixed_file(sandbox: Sandbox, tmp_path: Path) -> Path:
    path = sandbox.state_dir / f"mixed-{tmp_path.name}.toml"  # its secrets live there
    path.write_text(demo_profiles_toml(sandbox) + BROKEN)
    return path


def test_the_loader_keeps_every_good_profile_and_says_where_the_broken_one_is(
        mixed_file: Path) -> None:
    before = mixed_file.read_bytes()
    with pytest.raises(ConfigError):  # strict reading (the profile store's) still refuses
        load_profiles(mixed_file)
    profiles = load_profiles(mixed_file, keep_broken=True)
    assert "contoso-orders-sync" in profiles.names() and "typo" not in profiles.names()
    (broken,) = profiles.broken
    line = before.decode().splitlines().index('  colud = "usgov"') + 1
    assert broken.name == "typo" and (broken.error.line, broken.error.column) == (line, 3)
    assert str(broken.error).startswith(f"{mixed_file}:{line}:3: profile 'typo': "
                                        "unknown key 'colud'")
    assert mixed_file.read_bytes() == before


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "entra_tui", *args], capture_output=True,
                          text=True, timeout=90, env=dict(os.environ))


def test_token_works_for_a_good_profile_and_exits_3_for_the_broken_one(
        mixed_file: Path) -> None:
    good = cli("token", "contoso-orders-sync", "--config", str(mixed_file))
    assert good.returncode == 0, good.stderr
    assert decode_token(good.stdout.strip()).claims["azp"] == ORDERS_SYNC.client_id
    bad = cli("token", "typo", "--config", str(mixed_file))
    assert bad.returncode == 3 and bad.stdout == ""
    assert "unknown key 'colud'" in bad.stderr and "Traceback" not in bad.stderr
    listed = cli("profiles", "--config", str(mixed_file))
    assert listed.returncode == 0 and "contoso-orders-sync" in listed.stdout
    assert "typo" in listed.stderr and "colud" in listed.stderr


async def test_the_tui_lists_the_good_profiles_and_marks_the_broken_one(
        mixed_file: Path) -> None:
    before = mixed_file.read_bytes()
    app = EntraTuiApp(profiles=load_profiles(mixed_file, keep_broken=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        names = [p.name for p in app.query_one(ProfileList).ordered]
        assert "contoso-orders-sync" in names and "typo" not in names
        shown = text_of(app, "#profiles-broken")
        assert "typo cannot be used" in shown and "unknown key 'colud'" in shown
        assert f"{mixed_file}:" in shown.replace("\n", "")
    assert mixed_file.read_bytes() == before


async def test_at_80x24_the_note_stays_in_sight_above_a_long_list(mixed_file: Path) -> None:
    # The demo's 19 profiles fill the pane: a note below them was out of sight at 24 rows.
    # Above the list, in a box that scrolls, it neither hides nor is hidden by the list.
    app = EntraTuiApp(profiles=load_profiles(mixed_file, keep_broken=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.query_one("#profiles-pane").region
        box = app.query_one("#profiles-broken-box").region
        listed = app.query_one(ProfileList).region
        assert pane.y < box.y and box.bottom <= listed.y < pane.bottom
        assert box.height <= pane.height * 0.4 and listed.height >= 10
        shown = "\n".join(s.text for s in app.screen._compositor.render_strips())
        assert "✗ typo cannot be used" in shown
