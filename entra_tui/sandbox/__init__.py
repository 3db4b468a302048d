"""The sandbox tenant: a local Entra-compatible HTTPS server for the demo and the tests.

It shares no code with `entra_tui.core` on purpose: an emulator built from the client's own
code would only agree with itself.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Sandbox"]


def __getattr__(name: str) -> Any:
    """`Sandbox` on first use: the demo reads the directory before its first frame and must
    not pay for the server's modules (it runs them in a child process)."""
    if name == "Sandbox":
        from entra_tui.sandbox.runner import Sandbox

        return Sandbox
    raise AttributeError(name)
