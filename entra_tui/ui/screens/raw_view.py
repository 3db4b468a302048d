"""The raw view: header and payload as highlighted JSON, and the three encoded parts."""

from __future__ import annotations

import json

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from entra_tui.core.token import DecodedToken

SEGMENT_STYLES = ("bold red", "bold magenta", "bold cyan")


class RawView(ModalScreen[None]):
    """The signature is masked until revealed: without it the token cannot be replayed, so
    the screen can be shared or captured safely."""

    BINDINGS = [Binding("escape,r,q", "close", "Close", id="raw.close"),
                Binding("s", "reveal", "Reveal signature", id="raw.reveal")]

    def __init__(self, token: DecodedToken) -> None:
        super().__init__()
        self.token = token

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="raw-box"):
            yield Static(Text("Header", style="bold"))
            yield Static(_json(self.token.header), id="raw-header")
            yield Static(Text("Payload", style="bold"))
            yield Static(_json(self.token.claims), id="raw-payload")
            yield Static(Text("Encoded (header . payload . signature)", style="bold"))
            yield Static(_segments(self.token, reveal=False), id="raw-segments")

    def on_mount(self) -> None:
        box = self.query_one("#raw-box")
        box.border_title = "Raw token"
        box.border_subtitle = "s reveals the signature · Esc closes"
        box.focus()

    def action_reveal(self) -> None:
        self.query_one("#raw-segments", Static).update(_segments(self.token, reveal=True))

    def action_close(self) -> None:
        self.dismiss(None)


def _json(data: object) -> Syntax:
    # json.dumps escapes control characters, so hostile claim values cannot drive the terminal.
    return Syntax(json.dumps(data, indent=2, ensure_ascii=True), "json", theme="ansi_dark",
                  word_wrap=True, background_color="default")


def _segments(token: DecodedToken, *, reveal: bool) -> Text:
    text = Text()
    for index, segment in enumerate(token.segments):
        if index:
            text.append(".", style="bold")
        shown = segment if reveal or index != 2 or len(segment) < 12 else (
            f"{segment[:4]}…{segment[-4:]} (signature hidden: s reveals)")
        text.append(shown, style=SEGMENT_STYLES[index % 3])
    return text
