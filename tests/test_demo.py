"""Demo mode: profiles point at the sandbox, hold references only, never touch real config."""

from __future__ import annotations

import os
import stat

from conftest import INVENTORY, ORDERS_SYNC

from entra_tui.core.profiles import load_profiles
from entra_tui.demo import prepare_demo


def test_demo_profiles_reference_secrets_and_files_are_private() -> None:
    environment = prepare_demo()
    try:
        path = environment.profiles_path
        text = path.read_text()
        assert ORDERS_SYNC.secret not in text and (INVENTORY.secret or "") not in text
        profiles = load_profiles(path)
        assert len({p.tenant for p in profiles.profiles}) >= 2
        assert all(p.authority_host == environment.sandbox.base_url for p in profiles.profiles)
        secrets = [p for p in environment.sandbox.state_dir.rglob("*") if p.is_file()]
        for file in [path, *secrets]:
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    finally:
        environment.stop()
    assert not environment.sandbox.state_dir.exists()


def test_demo_never_reads_or_writes_the_users_config() -> None:
    config = os.environ["ENTRA_TUI_CONFIG"]  # the isolated path from conftest
    environment = prepare_demo()
    environment.stop()
    assert not os.path.exists(config)
