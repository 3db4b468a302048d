"""The system clipboard through pyperclip, when this machine has one.

Headless and SSH sessions usually have none (no xclip, xsel or wl-copy); the UI then falls
back to the terminal's OSC 52 escape, which only the terminal can honour.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class SystemClipboard:
    """Detects the clipboard once, on first use; `copy` reports whether it worked."""

    def __init__(self) -> None:
        self._copy: Callable[[str], Any] | None = None
        self._paste: Callable[[], str] | None = None
        self._detected = False

    def available(self) -> bool:
        self._detect()
        return self._copy is not None

    def copy(self, text: str) -> bool:
        """True when `text` reached the system clipboard; False when there is none.

        Reads the clipboard back: pyperclip ignores xclip's exit status, so a dead X display
        would otherwise look like success.
        """
        self._detect()
        if self._copy is None or self._paste is None:
            return False
        import pyperclip

        try:
            self._copy(text)
            return self._paste() == text
        except (pyperclip.PyperclipException, OSError, UnicodeDecodeError):
            return False

    def paste(self) -> str | None:
        """The system clipboard's text, or None when there is no system clipboard."""
        self._detect()
        if self._paste is None:
            return None
        import pyperclip

        try:
            return self._paste()
        except (pyperclip.PyperclipException, OSError, UnicodeDecodeError):
            return None

    def _detect(self) -> None:
        if self._detected:
            return
        self._detected = True
        import pyperclip

        try:
            copy, paste = pyperclip.determine_clipboard()
        except Exception:  # pyperclip probes optional GUI toolkits; any failure means "none"
            return
        # pyperclip's "no clipboard" stand-in is falsy. Its klipper mechanism (picked when
        # there is no xclip, xsel or wl-copy) runs `qdbus ... setClipboardContents TEXT`:
        # the token would be on a command line every local user can read (/proc/PID/cmdline),
        # so it counts as no clipboard here (the UI then uses OSC 52).
        if copy and not _on_command_line(copy, pyperclip):
            self._copy, self._paste = copy, paste


def _on_command_line(copy: Callable[[str], Any], pyperclip: Any) -> bool:
    """True for a pyperclip mechanism that passes the text as a program argument."""
    made_by = getattr(copy, "__qualname__", "").split(".")[0]
    return made_by == getattr(pyperclip.init_klipper_clipboard, "__name__", "?")


class ClipboardGuard:
    """Clears the system clipboard after a delay, but only if it still holds what we put
    there: if the user copied something else since, that is theirs and stays. Keeps a hash,
    not the copied text."""

    def __init__(self, clipboard: SystemClipboard, clock: Callable[[], float]) -> None:
        self._clipboard = clipboard
        self._clock = clock
        self._digest: bytes | None = None
        self.clear_at: float | None = None

    def copied(self, text: str, delay_seconds: int) -> None:
        """`text` was just put on the system clipboard; 0 means never clear."""
        self._digest = _digest(text) if delay_seconds > 0 else None
        self.clear_at = self._clock() + delay_seconds if delay_seconds > 0 else None

    def seconds_left(self) -> float | None:
        return None if self.clear_at is None else max(0.0, self.clear_at - self._clock())

    def due(self) -> bool:
        return self.clear_at is not None and self._clock() >= self.clear_at

    def clear_now(self) -> str:
        """'cleared', 'changed' (the user copied something else: left alone) or 'gone'."""
        digest, self._digest, self.clear_at = self._digest, None, None
        if digest is None:
            return "gone"
        return clear_if_unchanged(self._clipboard, digest)


def _digest(text: str) -> bytes:
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def clear_if_unchanged(clipboard: SystemClipboard, digest: bytes) -> str:
    """'cleared', 'changed' (someone copied something else: left alone) or 'gone'."""
    current = clipboard.paste()
    if current is None:
        return "gone"
    if _digest(current) != digest:
        return "changed"
    clipboard.copy("")
    return "cleared"


def clear_later_detached(text: str, delay_seconds: int) -> bool:
    """Hand the clear to a small detached process (`entra-tui token --copy` exits at once):
    after `delay_seconds` it clears the clipboard if it still holds `text`. It is given only
    a hash, on its stdin (never on its command line); False if it could not be started."""
    import subprocess
    import sys

    options: dict[str, Any] = {"start_new_session": True} if sys.platform != "win32" else {
        "creationflags": getattr(subprocess, "DETACHED_PROCESS", 0)
        | getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    try:
        helper = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "entra_tui.core.clipboard"], stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True,
            env=helper_environment(), **options)
        assert helper.stdin is not None
        helper.stdin.write(f"{int(delay_seconds)} {_digest(text).hex()}\n".encode())
        helper.stdin.close()
    except (OSError, ValueError):
        return False
    return True


# What the clearing helper (Python and xclip, xsel, wl-copy, pbcopy or the Windows clipboard)
# needs to find the display and its tools; nothing else: `token env --copy` runs with
# AZURE_CLIENT_SECRET and the like in its environment, and the helper lives on for minutes.
HELPER_VARIABLES = ("PATH", "HOME", "USER", "LOGNAME", "DISPLAY", "XAUTHORITY",
                    "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR", "LANG", "LANGUAGE", "TMPDIR",
                    "PYTHONPATH", "SYSTEMROOT", "WINDIR", "TEMP", "TMP")


def helper_environment() -> dict[str, str]:
    """The minimal environment the clearing helper is started with."""
    import os

    return {name: value for name, value in os.environ.items()
            if name in HELPER_VARIABLES or name.startswith("LC_")}


def _clear_later_main() -> None:
    """The detached helper: read "<seconds> <sha256 hex>" from stdin, wait, clear."""
    import sys
    import time

    try:
        delay, digest = sys.stdin.readline().split()
        seconds, expected = max(0, int(delay)), bytes.fromhex(digest)
    except ValueError:
        return
    time.sleep(seconds)
    clear_if_unchanged(SystemClipboard(), expected)


if __name__ == "__main__":
    _clear_later_main()
