"""Two entra-tui processes sharing one profile file and one persisted token cache, both
acquiring and saving in a loop at the same time, end with valid files and nothing lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CONTOSO, ORDERS_SYNC

from entra_tui.core.profiles import load_profiles
from entra_tui.core.session import SessionManager
from entra_tui.sandbox import Sandbox

ROUNDS = 12
WORKER = """
import sys
from pathlib import Path
from entra_tui.core.profile_store import ProfileStore
from entra_tui.core.profiles import load_profiles
from entra_tui.core.session import SessionManager

config, tag, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
store = ProfileStore(config)
for i in range(rounds):
    profile = load_profiles(config).get("orders-sync")
    result = SessionManager().acquire(profile, force_refresh=i % 2 == 0)
    if not result.ok:
        raise SystemExit(f"{tag} round {i}: {result.error}")
    for j in range(3):  # saves outnumber requests: that is where writers collide
        store.duplicate_profile("orders-sync", f"{tag}-{i}-{j}")
print("done", flush=True)
"""


def test_two_processes_acquire_and_save_at_once(sandbox: Sandbox, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "orders.secret"
    secret.write_text(ORDERS_SYNC.secret or "")
    secret.chmod(0o600)
    config = tmp_path / "profiles.toml"
    config.write_text(f"""# shared by two processes
[settings]
token_cache = "persistent"
allow_unencrypted_cache = true

[profiles.orders-sync]
tenant = "{CONTOSO.domain}"
client_id = "{ORDERS_SYNC.client_id}"
scopes = ["api://contoso-orders/.default"]
secret = "file:{secret}"
authority_host = "{sandbox.base_url}"
ca_bundle = "{sandbox.ca_path}"
""")
    env = {**os.environ, "ENTRA_TUI_CACHE_DIR": str(tmp_path / "cache")}
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(config), tag, str(ROUNDS)],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for tag in ("left", "right")]
    for worker in workers:
        out, err = worker.communicate(timeout=100)
        assert worker.returncode == 0 and out == "done\n", err[-2000:]
    names = load_profiles(config).names()
    expected = {"orders-sync"} | {f"{t}-{i}-{j}" for t in ("left", "right")
                                  for i in range(ROUNDS) for j in range(3)}
    assert set(names) == expected and len(names) == len(expected)  # no profile lost
    assert config.read_text().startswith("# shared by two processes")
    [cache] = (tmp_path / "cache").glob("*.msal-cache")
    assert json.loads(cache.read_text())["AccessToken"]  # valid JSON, tokens kept
    monkeypatch.setenv("ENTRA_TUI_CACHE_DIR", str(tmp_path / "cache"))
    profile = load_profiles(config).get("orders-sync")
    assert SessionManager().acquire(profile).source == "cache"  # type: ignore[arg-type]
