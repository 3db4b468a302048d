"""Paste any token: a bare JWT, `Bearer ...`, an Authorization header or a redirect URL.

Enter inspects; a problem is shown under the text and the text is kept, so nothing is lost.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from entra_tui.core.errors import TokenDecodeError
from entra_tui.core.paste import PastedToken, extract_token
from entra_tui.core.safe_text import safe_text
from entra_tui.core.token import DecodedToken, decode_token
from entra_tui.ui.inert import inert


class TokenTextArea(TextArea):
    """A text area where Enter submits (pastes arrive whole, line breaks included)."""

    class Submitted(Message):
        pass

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.prevent_default()
            event.stop()
            self.post_message(self.Submitted())
            return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        """A paste goes in inert: the text area draws what it holds, escapes included.
        (Textual calls each class's handler in turn: TextArea's own inserts the text.)"""
        event.text = inert_paste(event.text)


def inert_paste(text: str) -> str:
    """Pasted text with its line breaks and tabs kept (they separate a header from a token)
    and every other control, bidi or invisible character shown escaped."""
    return "\n".join("\t".join(safe_text(part) for part in line.split("\t"))
                     for line in text.replace("\r\n", "\n").split("\n"))


class PasteDialog(ModalScreen[tuple[PastedToken, DecodedToken] | None]):
    # Its own CSS, read when it first opens rather than at start-up.
    DEFAULT_CSS = """
    PasteDialog { align: center middle; }
    PasteDialog #paste-box {
        width: 90%; max-width: 120; height: auto; max-height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    PasteDialog #paste-text { height: 8; }
    PasteDialog #paste-problem { color: $error; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="paste.cancel")]

    def __init__(self, initial: str = "") -> None:
        super().__init__()
        self._initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(id="paste-box"):
            yield Label("Paste a token, a Bearer value, an Authorization header or a URL "
                        "with access_token= / id_token=. Enter inspects, Esc cancels.")
            yield TokenTextArea(inert_paste(self._initial), id="paste-text", soft_wrap=True)
            yield Static(id="paste-problem")

    def on_mount(self) -> None:
        self.query_one("#paste-box").border_title = "Inspect a token"
        self.query_one(TokenTextArea).focus()
        if self._initial:
            self.call_after_refresh(self.on_token_text_area_submitted)

    def on_token_text_area_submitted(self, _: object = None) -> None:
        text = self.query_one(TokenTextArea).text
        problem = self.query_one("#paste-problem", Static)
        try:
            pasted = extract_token(text)
            decoded = decode_token(pasted.token)
        except TokenDecodeError as exc:
            problem.update(inert(f"Not inspected: {exc}."))
            return
        self.dismiss((pasted, decoded))

    def action_cancel(self) -> None:
        self.dismiss(None)
