"""Run a TUI in a pseudo-terminal, as a person would, and watch what it draws."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time
from pathlib import Path


class TerminalRun:
    """A process on a 120x40 pty; `wait_for` reads its output until a marker appears."""

    def __init__(self, argv: list[str], columns: int = 120, rows: int = 40) -> None:
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: become the program
            os.environ["TERM"] = "xterm-256color"
            os.execvp(argv[0], argv)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.output = b""
        self.exit_status: int | None = None  # os.waitpid's status, once closed

    def wait_for(self, marker: str, timeout: float = 30.0) -> float:
        """Seconds from process start until `marker` was drawn."""
        needle = marker.encode()
        deadline = time.monotonic() + timeout
        while needle not in self.output:
            if time.monotonic() > deadline:
                tail = self.output[-400:].decode(errors="replace")
                raise TimeoutError(f"{marker!r} did not appear in {timeout} s; the last "
                                   f"output was {tail!r}")
            self.pump(0.02)
        return time.perf_counter() - self.started

    def pump(self, seconds: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], seconds)
        if ready:
            with contextlib.suppress(OSError):  # the child has gone: nothing more to read
                self.output += os.read(self.fd, 1 << 16)

    def idle(self, seconds: float) -> None:
        """Keep draining output (a full pty would stall the app) for `seconds`."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.pump(min(0.1, max(0.0, end - time.monotonic())))

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def cpu_seconds(self) -> float:
        with open(f"/proc/{self.pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_kib(self) -> int:
        with open(f"/proc/{self.pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmHWM in /proc status")

    def children_peak_rss_kib(self) -> int:
        """Peak RSS of the program's child processes (the demo's sandbox tenant)."""
        total = 0
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":", 1) for line in status.read_text().splitlines()
                              if ":" in line)
            except OSError:  # gone meanwhile
                continue
            if int(fields.get("PPid", "0")) == self.pid and "VmHWM" in fields:
                total += int(fields["VmHWM"].split()[0])
        return total

    def close(self) -> None:
        """Ask the program to quit (SIGTERM), as `kill` would, so it cleans up after itself;
        kill it if it has not gone within two seconds."""
        try:
            os.kill(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                self.pump(0.05)  # a full pty would stall its exit
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    self.exit_status = status
                    break
            else:
                os.kill(self.pid, signal.SIGKILL)
                self.exit_status = os.waitpid(self.pid, 0)[1]
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)
