"""The peer for startup and memory: a bare Textual app (Header, a Static, Footer).

`python -m entra_tui.bench.bare_app --with-msal` also imports msal and requests first: the
fair peer for memory, since entra-tui cannot acquire a token without them.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

READY_MARKER = "bench-ready"
WITH_MSAL = "--with-msal"


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(READY_MARKER)
        yield Footer()


if __name__ == "__main__":
    if WITH_MSAL in sys.argv[1:]:
        import msal  # noqa: F401
        import requests  # noqa: F401
    BareApp().run()
