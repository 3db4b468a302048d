"""The peer for startup and memory: a bare Textual app (Header, a Static, Footer)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

READY_MARKER = "bench-ready"


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(READY_MARKER)
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
