"""The command line: help, version, and `entra-tui sandbox` for other clients."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import msal
import requests

from entra_tui import __version__


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "entra_tui", *args], capture_output=True,
                          text=True, timeout=60)


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == f"entra-tui {__version__}"
    help_text = run("--help").stdout
    for option in ("--demo", "--config", "sandbox"):
        assert option in help_text


def test_unknown_option_is_a_usage_error_without_traceback() -> None:
    done = run("--bogus")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "usage:" in done.stderr


def test_sandbox_command_serves_msal_until_interrupted() -> None:
    process = subprocess.Popen([sys.executable, "-m", "entra_tui", "sandbox", "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        assert process.stdout is not None
        while not lines or lines[-1] != "}\n":
            lines.append(process.stdout.readline())
        info = json.loads("".join(lines))
        contoso = info["tenants"][0]
        app_info = contoso["apps"][0]
        session = requests.Session()
        session.trust_env = False
        session.verify = info["ca_bundle"]
        app = msal.ConfidentialClientApplication(
            app_info["client_id"], client_credential=app_info["client_secret"],
            authority=contoso["authority"], http_client=session, instance_discovery=False)
        result = app.acquire_token_for_client(contoso["scopes"][:1])
        assert "access_token" in result, result
        assert any("certificate_thumbprint" in a for a in contoso["apps"])
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=15)
    assert process.returncode == 0
    assert "Traceback" not in stderr
    assert not Path(info["ca_bundle"]).exists()
