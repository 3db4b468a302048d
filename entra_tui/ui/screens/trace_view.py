"""The wire trace of a profile's last attempt: every request MSAL made and what came back,
redacted (core/trace.py), scrollable, and copyable as plain text with `c`."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from entra_tui.core.masking import Masker
from entra_tui.core.trace import Trace
from entra_tui.ui.copying import copy_text


class TraceView(ModalScreen[None]):
    DEFAULT_CSS = """
    TraceView { align: center middle; }
    TraceView #trace-box {
        width: 96%; height: 90%; border: round $accent; background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape,q,w", "close", "Close", id="trace.close"),
                Binding("c", "copy", "Copy the trace (redacted)", id="trace.copy")]

    def __init__(self, trace: Trace, masker: Masker | None = None) -> None:
        super().__init__()
        self.trace = trace
        self.masker = masker
        # Rendered (and redacted) once, here: a trace is drawn when someone asks to see it,
        # never while tokens are being acquired. In presentation mode (a masker given) what is
        # shown and copied hides e-mails, addresses and ids, as the main panes do.
        rendered = trace.render()
        self.text = masker.apply(rendered) if masker is not None else rendered

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="trace-box"):
            # Text, not str: a server's answer must never be read as markup.
            yield Static(_styled(self.text), id="trace-text")

    def on_mount(self) -> None:
        box = self.query_one("#trace-box")
        count = len(self.trace)
        box.border_title = f"Wire trace · {count} request{'' if count == 1 else 's'}"
        box.border_subtitle = "c copies (redacted) · Esc closes"
        box.focus()

    def action_copy(self) -> None:
        masked = ", personal details masked" if self.masker is not None else ""
        copy_text(self.app, self.text, f"Wire trace (secrets and tokens redacted{masked})")

    def action_close(self) -> None:
        self.dismiss(None)


def _styled(text: str) -> Text:
    out = Text()
    for number, line in enumerate(text.split("\n")):
        if number:
            out.append("\n")
        if line.startswith("#"):
            out.append(line, style="bold")
        elif line.startswith(("    >", "    <")):
            out.append(line, style="dim")
        else:
            out.append(line)
    return out
