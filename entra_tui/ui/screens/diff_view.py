"""Two tokens compared claim by claim (core/token_diff.py): what was added, removed and
changed, reissue-only changes last; `c` copies the comparison as text."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from entra_tui.core.masking import Masker
from entra_tui.core.token_diff import TokenDiff
from entra_tui.ui.copying import copy_text
from entra_tui.ui.inert import inert_title

STYLES = {"+": "green", "-": "red", "~": "yellow"}


class DiffView(ModalScreen[None]):
    DEFAULT_CSS = """
    DiffView { align: center middle; }
    DiffView #diff-box {
        width: 92%; height: 85%; border: round $accent; background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape,q,equals_sign", "close", "Close", id="diff.close"),
                Binding("c", "copy", "Copy the comparison", id="diff.copy")]

    def __init__(self, diff: TokenDiff, title: str, note: str | None = None,
                 masker: Masker | None = None) -> None:
        super().__init__()
        self.diff = diff
        self.title_text = title
        self.note = note
        # Presentation mode (a masker given): shown and copied with people's details hidden.
        lines = ([note, ""] if note else []) + diff.lines()
        self.lines = [masker.apply(line) for line in lines] if masker is not None else lines

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="diff-box"):
            yield Static(_styled(self.lines), id="diff-text")

    def on_mount(self) -> None:
        box = self.query_one("#diff-box")
        box.border_title = inert_title(self.title_text)
        box.border_subtitle = "c copies · Esc closes"
        box.focus()

    def action_copy(self) -> None:
        copy_text(self.app, "\n".join(self.lines), "Comparison")

    def action_close(self) -> None:
        self.dismiss(None)


def _styled(lines: list[str]) -> Text:
    """Every line is already safe text (token_diff made it so); drawn as Text, never markup."""
    out = Text()
    for number, line in enumerate(lines):
        if number:
            out.append("\n")
        mark = line.lstrip()[:1]
        style = STYLES.get(mark) if line.startswith("  ") else None
        if number == 0 or line.endswith(":") and not line.startswith(" "):
            style = "bold"
        out.append(line, style=style)
    return out
