"""Ask for a file path (a JWKS or PEM file to verify against offline)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from entra_tui.ui.inert import inert


class FilePrompt(ModalScreen[Path | None]):
    # Its own CSS, read when it first opens rather than at start-up.
    DEFAULT_CSS = """
    FilePrompt { align: center middle; }
    FilePrompt #file-box {
        width: 90%; max-width: 120; height: auto; max-height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    FilePrompt #file-problem { color: $error; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="file.cancel")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="file-box"):
            yield Label(self.question)
            yield Input(placeholder="~/keys/jwks.json or signing-cert.pem", id="file-path")
            yield Static(id="file-problem")

    def on_mount(self) -> None:
        self.query_one("#file-box").border_title = "Verify offline"
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        if not event.value.strip() or not path.is_file():
            self.query_one("#file-problem", Static).update(inert(f"No file at {path}."))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
