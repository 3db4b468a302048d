"""A yes/no question, answered with y/Enter or n/Esc."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class Confirm(ModalScreen[bool]):
    # Its own CSS, read when it first opens rather than at start-up.
    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm #confirm-box {
        width: auto; min-width: 40; max-width: 80%; height: auto;
        border: round $warning; background: $surface; padding: 1 2;
    }
    Confirm #confirm-keys { color: $text-muted; }
    """

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: Text, title: str = "Confirm") -> None:
        """`question` is a Text (never parsed as markup: it names profiles)."""
        super().__init__()
        self.question = question
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question)
            yield Static("y / Enter: yes · n / Esc: no", id="confirm-keys")

    def on_mount(self) -> None:
        self.query_one("#confirm-box").border_title = self.title_text

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
