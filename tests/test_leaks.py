"""Secrets and tokens stay where they belong: run flows and errors with known secrets, then
scan everything the program wrote or printed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from entra_tui.demo import WRONG_SECRET, demo_profiles_toml
from entra_tui.sandbox import Sandbox
from entra_tui.sandbox.directory import TENANTS
from entra_tui.sandbox.runner import PFX_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
FULL_JWT = re.compile(rb"eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{20,}")
PROFILES = ["contoso-orders-sync", "contoso-wrong-secret", "contoso-billing-cert",
            "contoso-billing-pfx", "contoso-billing-x5c", "contoso-deploy-bot",
            "contoso-adele-ropc", "contoso-legacy-job", "fabrikam-inventory",
            "fabrikam-wrong-scope"]


def known_secrets() -> list[bytes]:
    values = [WRONG_SECRET, PFX_PASSWORD]
    for tenant in TENANTS:
        values += [c.secret or "" for c in tenant.clients]
        values += [c.expired_secret or "" for c in tenant.clients]
        values += [u.password for u in tenant.users]
    return [v.encode() for v in values if v]


@pytest.fixture(scope="module")
def runs(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    home = tmp_path_factory.mktemp("leaks")
    profiles = sandbox.state_dir / "leak-profiles.toml"
    text = demo_profiles_toml(sandbox).replace(
        'ca_bundle = "', 'token_cache = "persistent"\nallow_unencrypted_cache = true\n'
        'ca_bundle = "')
    profiles.write_text(text)
    env = {**os.environ, "ENTRA_TUI_CACHE_DIR": str(home / "cache"), "HOME": str(home),
           "XDG_CONFIG_HOME": str(home / "config")}
    outputs = {}
    for name in PROFILES:
        for extra in ([], ["--json"]):
            done = subprocess.run(
                [sys.executable, "-m", "entra_tui", "token", name, "--config", str(profiles),
                 *extra], capture_output=True, env=env, timeout=90)
            outputs[(name, tuple(extra))] = done
    return {"home": home, "profiles": profiles, "outputs": outputs}


def test_secrets_never_reach_output_files_or_caches(runs: dict[str, object]) -> None:
    secrets = known_secrets()
    outputs = runs["outputs"]
    assert any(o.returncode == 0 for o in outputs.values())  # type: ignore[attr-defined]
    assert any(o.returncode == 1 for o in outputs.values())  # type: ignore[attr-defined]
    for key, done in outputs.items():  # type: ignore[attr-defined]
        for stream in (done.stdout, done.stderr):
            for secret in secrets:
                assert secret not in stream, (key, secret)
    written = [p for p in Path(runs["home"]).rglob("*") if p.is_file()]  # type: ignore[arg-type]
    assert written, "the persistent caches should exist"
    for path in [*written, Path(runs["profiles"])]:  # type: ignore[arg-type]
        data = path.read_bytes()
        for secret in secrets:
            assert secret not in data, (path, secret)


def test_tokens_appear_only_on_stdout_and_in_the_opted_in_cache(
        runs: dict[str, object]) -> None:
    for key, done in runs["outputs"].items():  # type: ignore[attr-defined]
        assert not FULL_JWT.search(done.stderr), key
    caches = list(Path(runs["home"], "cache").glob("*.msal-cache"))  # type: ignore[arg-type]
    assert caches and any(FULL_JWT.search(p.read_bytes()) for p in caches)
    for path in Path(runs["home"]).rglob("*"):  # type: ignore[arg-type]
        if path.is_file() and path.suffix != ".msal-cache" and "lock" not in path.name:
            assert not FULL_JWT.search(path.read_bytes()), path


def test_screenshots_hold_no_secret_and_no_usable_token() -> None:
    shots = list((ROOT / "screenshots").glob("*.svg"))
    assert shots
    for shot in shots:
        data = shot.read_bytes()
        for secret in known_secrets():
            assert secret not in data, shot
        assert not FULL_JWT.search(data), shot
