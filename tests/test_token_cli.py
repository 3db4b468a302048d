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


# --- exit codes, JSON errors, closed pipes, --copy clearing --------------------------------

def broken_credentials_file(sandbox: Sandbox, folder: Path) -> Path:
    """Profiles whose credential cannot be used: each must exit 3, as the README says."""
    from entra_tui.sandbox.directory import TENANTS

    billing = TENANTS[0].clients[1]
    (folder / "garbage.pem").write_text("not a certificate")
    common = (f'tenant = "{CONTOSO.domain}"\nscopes = ["api://contoso-orders/.default"]\n'
              f'authority_host = "{sandbox.base_url}"\nca_bundle = "{sandbox.ca_path}"\n')
    secret = f'client_id = "{ORDERS_SYNC.client_id}"\nflow = "client_secret"\n'
    cert = f'client_id = "{billing.client_id}"\nflow = "client_certificate"\n'
    (folder / "wrong.secret").write_text("this-is-a-wrong-secret")
    path = folder / "broken.toml"
    path.write_text(
        f'[profiles.missing-file]\n{common}{secret}secret = "file:no-such-secret"\n\n'
        f'[profiles.unset-env]\n{common}{secret}secret = "env:ENTRA_TUI_TEST_UNSET"\n\n'
        f'[profiles.wrong-pfx-password]\n{common}{cert}'
        f'certificate = "{sandbox.pfx_path(billing.slug)}"\n'
        f'certificate_password = "env:ENTRA_TUI_TEST_PFX"\n\n'
        f'[profiles.unreadable-certificate]\n{common}{cert}certificate = "garbage.pem"\n\n'
        f'[profiles.wrong-secret]\n{common}{secret}secret = "file:wrong.secret"\n')
    return path


@pytest.mark.parametrize("name", ["missing-file", "unset-env", "wrong-pfx-password",
                                  "unreadable-certificate"])
def test_unusable_credentials_exit_3_with_a_json_error(
        sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    import io

    from entra_tui.commands.token import run_token

    monkeypatch.delenv("ENTRA_TUI_TEST_UNSET", raising=False)
    monkeypatch.setenv("ENTRA_TUI_TEST_PFX", "not-the-password")
    config = broken_credentials_file(sandbox, tmp_path)
    for as_json in (False, True):
        out, err = io.StringIO(), io.StringIO()
        code = run_token(name, config=config, as_json=as_json, copy=False, scopes=[],
                         from_env=False, stdout=out, stderr=err)
        assert code == 3, err.getvalue()
        assert "Traceback" not in err.getvalue() and "entra-tui token:" in err.getvalue()
    data = json.loads(out.getvalue())
    assert data["ok"] is False and data["exit_code"] == 3
    assert data["error"]["kind"] == "configuration" and data["error"]["summary"]
    assert "not-the-password" not in out.getvalue() + err.getvalue()


def test_json_error_object_for_an_identity_error(sandbox: Sandbox, tmp_path: Path) -> None:
    import io

    from entra_tui.commands.token import run_token

    out, err = io.StringIO(), io.StringIO()
    code = run_token("wrong-secret", config=broken_credentials_file(sandbox, tmp_path),
                     as_json=True, copy=False, scopes=[], from_env=False, stdout=out, stderr=err)
    assert code == 1
    data = json.loads(out.getvalue())
    assert data["error"]["code"] == 7000215 and data["error"]["title"] == "AADSTS7000215"
    assert data["error"]["correlation_id"] and data["error"]["meaning"]
    assert data["credential"].startswith("secret from file:wrong.secret (read ")
    assert "this-is-a-wrong-secret" not in out.getvalue() + err.getvalue()
    missing = io.StringIO()
    assert run_token("nope", config=tmp_path / "broken.toml", as_json=True, copy=False,
                     scopes=[], from_env=False, stdout=missing, stderr=io.StringIO()) == 3
    assert json.loads(missing.getvalue())["exit_code"] == 3


@pytest.mark.parametrize("args", [
    ("token", "contoso-orders-sync"), ("token", "contoso-orders-sync", "--json"),
    ("profiles",), ("profiles", "--json")])
def test_a_reader_that_leaves_early_gets_no_traceback(profiles_file: Path,
                                                      args: tuple[str, ...]) -> None:
    """`entra-tui token x | head -c 30`: the pipe is closed before anything is written."""
    process = subprocess.Popen([sys.executable, "-m", "entra_tui", *args, "--config",
                                str(profiles_file)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=90) == 141
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr and "Exception" not in stderr


def test_decode_into_a_closed_pipe(profiles_file: Path) -> None:
    token = cli("token", "contoso-orders-sync", "--config", str(profiles_file)).stdout
    process = subprocess.Popen([sys.executable, "-m", "entra_tui", "decode", "--json"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    process.stdout.close()
    _, stderr = process.communicate(token, timeout=90)
    assert process.returncode == 141 and "Traceback" not in stderr


def test_copy_is_cleared_later_by_a_detached_helper(sandbox: Sandbox, profiles_file: Path,
                                                    tmp_path: Path, fake_xclip: Path) -> None:
    import io
    import time

    from entra_tui.commands.token import run_token

    config = tmp_path / "profiles.toml"
    config.write_text("[ui]\nclipboard_clear_seconds = 1\n\n"
                      + profiles_file.read_text().replace(
                          '"file:secrets/', f'"file:{profiles_file.parent}/secrets/'))
    err = io.StringIO()
    assert run_token("contoso-orders-sync", config=config, as_json=False, copy=True,
                     scopes=[], from_env=False, stdout=io.StringIO(), stderr=err) == 0
    assert "will be cleared in 1 s" in err.getvalue()
    assert fake_xclip.read_text().count(".") == 2  # the token is there now
    deadline = time.monotonic() + 30
    while fake_xclip.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert fake_xclip.read_text() == ""  # this process never cleared it: the helper did
    config.write_text(config.read_text().replace("clipboard_clear_seconds = 1",
                                                 "clipboard_clear_seconds = 0"))
    err = io.StringIO()
    assert run_token("contoso-orders-sync", config=config, as_json=False, copy=True,
                     scopes=[], from_env=False, stdout=io.StringIO(), stderr=err) == 0
    assert "will not be cleared" in err.getvalue()


def test_the_helper_leaves_what_the_user_copied_since(fake_xclip: Path) -> None:
    from entra_tui.core.clipboard import SystemClipboard, _digest, clear_if_unchanged

    clipboard = SystemClipboard()
    assert clipboard.copy("the token")
    digest = _digest("the token")
    fake_xclip.write_text("something of the user's")
    assert clear_if_unchanged(SystemClipboard(), digest) == "changed"
    assert fake_xclip.read_text() == "something of the user's"
    assert clipboard.copy("the token")
    assert clear_if_unchanged(SystemClipboard(), digest) == "cleared"
    assert fake_xclip.read_text() == ""
