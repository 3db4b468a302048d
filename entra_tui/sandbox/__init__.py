"""The sandbox tenant: a local Entra-compatible HTTPS server for the demo and the tests.

It shares no code with `entra_tui.core` on purpose: an emulator built from the client's own
code would only agree with itself.
"""

from entra_tui.sandbox.runner import Sandbox

__all__ = ["Sandbox"]
