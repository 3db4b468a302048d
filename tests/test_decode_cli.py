"""`entra-tui decode`: output, JSON, verification, validation and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CONTOSO, sandbox_profile
from test_token import CLAIMS, make

from entra_tui.core.session import SessionManager
from entra_tui.sandbox import Sandbox

TOKEN = make(CLAIMS)


def decode(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "entra_tui", "decode", *args],
                          input=stdin, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def sandbox_token(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> str:
    result = SessionManager().acquire(sandbox_profile(sandbox, tmp_path_factory.mktemp("t")))
    assert result.access_token
    return result.access_token


def test_text_output_explains_claims() -> None:
    done = decode(f"Bearer {TOKEN}")
    assert done.returncode == 0
    assert "Entra v2.0 access token" in done.stdout
    assert "App-only (no user)" in done.stdout
    assert "Audience: the API this token is for" in done.stdout
    assert "certificate or federated assertion" in done.stdout


def test_reads_stdin_and_prints_json() -> None:
    done = decode("--json", stdin=f"Authorization: Bearer {TOKEN}\n")
    data = json.loads(done.stdout)
    assert done.returncode == 0
    assert data["payload"] == CLAIMS
    assert data["header"]["kid"] == "k1"
    assert data["kind"] == "signed JWT (JWS)" and data["version"] == "2.0"
    assert data["expiry"]["state"] in ("valid", "not yet valid", "expired", "expiring soon")


@pytest.mark.parametrize("garbage", ["not a token", "a.b.c", "e30.e30"])
def test_unreadable_input_exit_3_without_traceback(garbage: str) -> None:
    done = decode(garbage)
    assert done.returncode == 3
    assert "Traceback" not in done.stderr and done.stderr.startswith("entra-tui decode: ")



def test_a_file_name_given_as_the_token_gets_the_way_to_read_it(tmp_path: Path) -> None:
    """`diff` reads files, `decode` its argument or stdin: a path given to decode is told how
    to read that file (quoted for the shell), not only that it is no token."""
    path = tmp_path / "my token.txt"
    path.write_text(TOKEN)
    done = decode(str(path))
    assert done.returncode == 3
    assert f"entra-tui decode - < '{path}'" in done.stderr
    assert "to read the token" not in decode("not-a-file.txt").stderr

def test_opaque_token_is_named_in_json() -> None:
    done = decode("--json", "0.AXwAv4j5cvGGr0GRqy180BHbR-Zk3Tq2rXJHuQ_bt7ZV3U1PAAA.AgABAAEA")
    assert done.returncode == 3
    assert json.loads(done.stdout)["kind"] == "opaque token"


def test_verify_against_sandbox_authority(sandbox: Sandbox, sandbox_token: str) -> None:
    done = decode("--json", "--verify", "--authority", sandbox.base_url, "--ca-bundle",
                  str(sandbox.ca_path), sandbox_token)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["signature"]["state"] == "verified"


def test_signature_failed_exit_4(sandbox: Sandbox, sandbox_token: str) -> None:
    header, payload, signature = sandbox_token.split(".")
    tampered = f"{header}.{payload}.{signature[:-6]}AAAAAA"
    done = decode("--verify", "--authority", sandbox.base_url, "--ca-bundle",
                  str(sandbox.ca_path), tampered)
    assert done.returncode == 4
    assert "Signature: FAILED" in done.stdout


def test_signature_not_checked_exit_6(sandbox: Sandbox) -> None:
    """Never depends on the network: each case is decided locally or served locally."""
    # Decided without any fetch: 't' in the issuer is no tenant id, so no keys are looked up.
    done = decode("--verify", TOKEN)
    assert done.returncode == 6, done.stdout
    assert "Signature: NOT CHECKED: the issuer" in done.stdout
    # Served by a local server: the sandbox knows no such tenant, so there are no keys to get.
    stranger = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
    unknown = make(dict(CLAIMS, iss=f"{sandbox.base_url}/{stranger}/v2.0", tid=stranger))
    done = decode("--verify", "--authority", sandbox.base_url, "--ca-bundle",
                  str(sandbox.ca_path), unknown)
    assert done.returncode == 6, done.stdout
    assert "Signature: NOT CHECKED:" in done.stdout and "answered HTTP 400" in done.stdout
    graph = make({"aud": "https://graph.microsoft.com"}, {"alg": "RS256", "nonce": "n"})
    done = decode("--verify", graph)
    assert done.returncode == 6
    assert "only Graph can verify" in done.stdout


def test_offline_jwks_with_validation(sandbox: Sandbox, sandbox_token: str,
                                      tmp_path: object) -> None:
    import requests

    keys = requests.get(f"{sandbox.base_url}/{CONTOSO.tenant_id}/discovery/v2.0/keys",
                        verify=str(sandbox.ca_path), timeout=10).text
    path = f"{tmp_path}/keys.json"
    with open(path, "w") as handle:
        handle.write(keys)
    api = CONTOSO.apis[0].client_id
    ok = decode("--jwks", path, "--expect-aud", api, "--expect-tenant", CONTOSO.tenant_id,
                "--expect-role", "Orders.Read.All", sandbox_token)
    assert ok.returncode == 0, ok.stdout
    assert "✓ aud" in ok.stdout and "✓ signature" in ok.stdout
    bad = decode("--jwks", path, "--expect-role", "Admin.All", sandbox_token)
    assert bad.returncode == 5
    assert "✗ roles" in bad.stdout and "missing Admin.All" in bad.stdout


def test_terminal_escapes_in_claims_are_printed_literally() -> None:
    hostile = make({"name": "\x1b[2J\x1b]52;c;ZXZpbA==\x07", "aud": "[red]x[/red]"})
    done = decode(hostile)
    assert "\x1b" not in done.stdout and "\\x1b[2J" in done.stdout
    assert "[red]x[/red]" in done.stdout


def test_plain_decode_loads_neither_textual_nor_msal() -> None:
    code = ("import sys, io; from entra_tui.cli import main; sys.stdout = io.StringIO(); "
            f"main(['decode', {TOKEN!r}]); sys.stdout = sys.__stdout__; "
            "print(','.join(m for m in ('textual', 'msal', 'jwt', 'cryptography', 'requests') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == ""
