"""Pick one of a few labelled choices with ↑↓ and Enter, or its hot key; Esc cancels."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class Choice(ModalScreen[str | None]):
    # Its own CSS, read when it first opens rather than at start-up.
    DEFAULT_CSS = """
    Choice { align: center middle; }
    Choice #choice-box {
        width: 70; max-width: 95%; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    Choice #choice-list { height: auto; border: none; }
    Choice #choice-note { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choice.cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]], note: str = "") -> None:
        """`choices`: (id, label); a label's first character is its hot key."""
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="choice-box"):
            # Text prompts, never markup: labels name paths from the environment.
            yield OptionList(*[Option(Text(label), id=key) for key, label in self.choices],
                             id="choice-list")
            if self.note:
                yield Static(Text(self.note), id="choice-note")

    def on_mount(self) -> None:
        self.query_one("#choice-box").border_title = self.title_text
        self.query_one(OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        for key, label in self.choices:
            if event.character and label[:1].lower() == event.character.lower():
                event.stop()  # handled here: it must not reach the main screen's keys
                event.prevent_default()
                self.dismiss(key)
                return

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
