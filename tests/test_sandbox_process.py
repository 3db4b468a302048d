"""`entra-tui --demo` runs the sandbox in a child process: real MSAL over real HTTPS reaches
it, it stops with the app (or when the app dies), and a failed start is reported in words."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import sandbox_profile

from entra_tui.bench.terminal import TerminalRun
from entra_tui.core.profiles import load_profiles
from entra_tui.core.session import SessionManager
from entra_tui.demo import prepare_demo
from entra_tui.sandbox.process import SandboxProcess


def test_demo_in_a_child_process_serves_every_profile_kind_it_lists() -> None:
    environment = prepare_demo(separate_process=True, device_auto_approve_after=0.5)
    sandbox = environment.sandbox
    assert isinstance(sandbox, SandboxProcess)
    try:
        profiles = {p.name: p for p in load_profiles(environment.profiles_path).profiles}
        session = SessionManager(before_network=sandbox.wait_ready)
        sandbox.start()
        for name in ("contoso-orders-sync", "contoso-billing-pfx", "contoso-deploy-bot",
                     "contoso-webapp-mi", "fabrikam-inventory", "contoso-ops-device"):
            result = session.acquire(profiles[name])
            assert result.ok and result.source == "identity provider", (name, result.error)
        wrong = session.acquire(profiles["contoso-wrong-secret"])
        assert wrong.error is not None and wrong.error.code == 7000215
        child = sandbox._child
        assert child is not None and child.poll() is None
    finally:
        environment.stop()
    assert child.poll() is not None and not sandbox.state_dir.exists()


def test_the_child_stops_when_its_parent_goes(tmp_path: Path) -> None:
    sandbox = SandboxProcess().start()
    try:
        child = sandbox._child
        assert child is not None and child.stdin is not None
        child.stdin.close()  # what the operating system does when the app dies
        child.wait(timeout=10)
        assert child.returncode == 0
    finally:
        sandbox.stop()


def test_a_failed_start_says_why_and_acquisition_reports_it(tmp_path: Path) -> None:
    sandbox = SandboxProcess()
    sandbox._options.append("--no-such-option")  # the child exits before serving
    with pytest.raises(RuntimeError, match="no-such-option"):
        sandbox.start()
    try:
        with pytest.raises(RuntimeError, match="failed to start.*no-such-option"):
            sandbox.wait_ready(timeout=1)
        session = SessionManager(before_network=sandbox.wait_ready)
        result = session.acquire(sandbox_profile(sandbox, tmp_path))
        assert result.error is not None and "not available" in result.error.summary
    finally:
        sandbox.stop()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses a pty and /proc")
@pytest.mark.parametrize("after_a_token", [False, True])
def test_kill_quits_the_demo_cleanly_and_leaves_no_files(
        after_a_token: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # where the demo makes its folder
    run = TerminalRun([sys.executable, "-m", "entra_tui", "--demo"])
    try:
        run.wait_for("contoso-orders-sync")
        if after_a_token:  # the sandbox's child process is up by then
            run.send("a")
            run.wait_for("Token from", timeout=60)
            assert run.children_peak_rss_kib() > 0
    finally:
        run.close()  # SIGTERM, as `kill` sends
    assert run.exit_status is not None and os.WIFEXITED(run.exit_status), run.exit_status
    assert os.WEXITSTATUS(run.exit_status) == 0
    assert not list(tmp_path.glob("entra-tui-sandbox-*"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/PID/environ")
def test_the_child_gets_no_secrets_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "real-secret-value")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "another-secret")
    sandbox = SandboxProcess().start()
    try:
        child = sandbox._child
        assert child is not None
        environ = Path(f"/proc/{child.pid}/environ").read_bytes().split(b"\0")
        names = {entry.split(b"=", 1)[0].decode() for entry in environ if entry}
        assert "PATH" in names
        assert not [n for n in names if n.startswith(("AZURE_", "AWS_"))], names
        assert b"real-secret-value" not in b"\0".join(environ)
    finally:
        sandbox.stop()


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("signal_name", ["SIGHUP", "SIGTERM", "SIGINT"])
def test_sandbox_command_removes_its_key_folder_on_signals(
        signal_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    import signal
    import subprocess

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    process = subprocess.Popen([sys.executable, "-m", "entra_tui", "sandbox", "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        printed = ""
        while True:  # one JSON object over several lines
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else ""
            printed += line
            if line.startswith("}"):
                break
        folder = Path(json.loads(printed)["ca_bundle"]).parent
        assert folder.is_dir() and folder.parent == tmp_path
        process.send_signal(getattr(signal, signal_name))
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert not folder.exists()
    assert "Traceback" not in (process.stderr.read() if process.stderr else "")
