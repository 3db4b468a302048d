"""The sandbox tenant in a child process, for `entra-tui --demo`.

A remote Entra does its crypto and request handling on someone else's machine; run in the
app's process, the sandbox took the app's memory (~12 MiB of keys, certificates and HTTP
server) and competed with the UI for the interpreter while it made its keys. In a child it
uses the other core and its own memory. The parent binds the port (so the demo's profiles
can name it before the child exists) and hands the socket over; the child says "ready" on
stdout and stops when its stdin closes, which also happens if the parent dies.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from entra_tui.sandbox.layout import SandboxLayout

IDENTITY_HEADER_ENV = "ENTRA_TUI_SANDBOX_IDENTITY_HEADER"  # not argv: `ps` shows argv
READY = "ready"
# What a Python child needs to start and read its text; nothing else of the parent's
# environment (AZURE_CLIENT_SECRET, cloud keys, tokens) reaches the sandbox.
CHILD_ENVIRONMENT = ("PATH", "PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH", "PYTHONUTF8",
                     "PYTHONIOENCODING", "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED", "LANG",
                     "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "TEMP", "TMP",
                     "SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC", "PATHEXT")


def child_environment() -> dict[str, str]:
    return {name: os.environ[name] for name in CHILD_ENVIRONMENT if name in os.environ}


class SandboxProcess(SandboxLayout):
    def __init__(self, *, device_auto_approve_after: float | None = None,
                 device_poll_interval: int = 5, sign_in: str = "auto") -> None:
        super().__init__()
        self._options = [f"--device-poll-interval={device_poll_interval}",
                         f"--sign-in={sign_in}"]
        if device_auto_approve_after is not None:
            self._options.append(f"--device-auto-approve-after={device_auto_approve_after}")
        self._child: subprocess.Popen[str] | None = None

    @property
    def log_path(self) -> Path:
        """The child's stderr: kept off the app's screen, read when it fails to start."""
        return self.state_dir / "sandbox.log"

    def start(self) -> SandboxProcess:
        """Start the child and return once it serves (or has failed to start)."""
        self.bind()
        assert self._socket is not None
        fd = self._socket.fileno()
        try:
            with open(self.log_path, "w") as log:
                self._child = subprocess.Popen(
                    [sys.executable, "-m", "entra_tui.sandbox.child", f"--fd={fd}",
                     f"--state-dir={self.state_dir}", *self._options],
                    pass_fds=(fd,), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=log, text=True, start_new_session=True,
                    env={**child_environment(), IDENTITY_HEADER_ENV: self.identity_header})
            assert self._child.stdout is not None
            if self._child.stdout.readline().strip() != READY:
                self._child.wait(timeout=5)
                raise RuntimeError(self._last_log_line() or
                                   f"it exited with status {self._child.returncode}")
        except BaseException as exc:
            self._failure = exc
            raise
        finally:
            self._ready.set()
        return self

    def stop(self) -> None:
        child = self._child
        if child is not None and child.poll() is None:
            assert child.stdin is not None
            child.stdin.close()  # the child's signal to stop
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if self._socket is not None:
            self._socket.close()
        shutil.rmtree(self.state_dir, ignore_errors=True)

    def _last_log_line(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1] if lines else ""
