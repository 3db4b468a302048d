"""`entra-tui token` and `entra-tui profiles` against the sandbox, as a script uses them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CONTOSO, ORDERS_SYNC

from entra_tui.core.token import decode_token
from entra_tui.demo import demo_profiles_toml
from entra_tui.sandbox import Sandbox


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "entra_tui", *args], capture_output=True,
                          text=True, timeout=90, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def profiles_file(sandbox: Sandbox) -> Path:
    path = sandbox.state_dir / "cli-profiles.toml"
    path.write_text(demo_profiles_toml(sandbox))
    return path


def test_token_prints_only_the_access_token(profiles_file: Path) -> None:
    done = cli("token", "contoso-orders-sync", "--config", str(profiles_file))
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert done.stdout.count("\n") == 1
    assert decode_token(token).claims["azp"] == ORDERS_SYNC.client_id


def test_token_json_summary(profiles_file: Path) -> None:
    done = cli("--config", str(profiles_file), "token", "contoso-orders-sync", "--json")
    data = json.loads(done.stdout)
    assert data["source"] == "identity provider" and data["expires_in"] == 3599
    assert data["claims"]["roles"] == ["Orders.Read.All", "Orders.ReadWrite.All"]
    assert data["access_token"].count(".") == 2


def test_scope_override(profiles_file: Path) -> None:
    done = cli("token", "contoso-orders-sync", "--config", str(profiles_file), "--scope",
               "api://contoso-billing/.default")
    assert done.returncode == 0, done.stderr
    assert decode_token(done.stdout.strip()).claims["aud"] == CONTOSO.apis[1].client_id


def test_errors_go_to_stderr_with_the_explanation(profiles_file: Path) -> None:
    done = cli("token", "contoso-wrong-secret", "--config", str(profiles_file))
    assert done.returncode == 1 and done.stdout == ""
    assert "AADSTS7000215" in done.stderr and "What it means:" in done.stderr
    assert "Correlation ID:" in done.stderr and "Traceback" not in done.stderr
    assert "this-is-not-the-secret" not in done.stderr


def test_unknown_profile_and_copy_without_clipboard(profiles_file: Path) -> None:
    done = cli("token", "nope", "--config", str(profiles_file))
    assert done.returncode == 3 and "no profile named 'nope'" in done.stderr
    copy = cli("token", "contoso-orders-sync", "--config", str(profiles_file), "--copy",
               env={"DISPLAY": "", "WAYLAND_DISPLAY": ""})
    assert copy.returncode == 1 and "no system clipboard" in copy.stderr
    assert copy.stdout == ""


def test_from_env_like_environment_credential(sandbox: Sandbox) -> None:
    """AZURE_* as azure-identity reads them; the sandbox CA is trusted via REQUESTS_CA_BUNDLE
    since env profiles keep the user's environment (as they must for real Entra)."""
    env = {"AZURE_TENANT_ID": CONTOSO.tenant_id, "AZURE_CLIENT_ID": ORDERS_SYNC.client_id,
           "AZURE_CLIENT_SECRET": ORDERS_SYNC.secret or "",
           "AZURE_AUTHORITY_HOST": sandbox.base_url, "REQUESTS_CA_BUNDLE": str(sandbox.ca_path),
           "NO_PROXY": "127.0.0.1"}
    done = cli("token", "--from-env", "--scope", "api://contoso-orders/.default", env=env)
    assert done.returncode == 0, done.stderr
    assert decode_token(done.stdout.strip()).claims["tid"] == CONTOSO.tenant_id
    missing = cli("token", "env", env={"AZURE_TENANT_ID": "", "AZURE_CLIENT_ID": ""})
    assert missing.returncode == 3 and "AZURE_TENANT_ID" in missing.stderr


def test_profiles_listing(profiles_file: Path) -> None:
    done = cli("profiles", "--json", "--config", str(profiles_file))
    data = json.loads(done.stdout)
    names = [p["name"] for p in data["profiles"]]
    assert "contoso-orders-sync" in names and "fabrikam-inventory" in names
    flows = {p["flow"] for p in data["profiles"]}
    assert {"client_secret", "device_code", "managed_identity", "federated"} <= flows
    assert not any("Xr48Q" in json.dumps(p) for p in data["profiles"])
    text = cli("profiles", "--config", str(profiles_file)).stdout
    assert "contoso-orders-sync" in text
