"""A pasted claims challenge (a resource's WWW-Authenticate header), decoded and explained;
Enter re-acquires the selected profile with it (MSAL's claims_challenge), Esc closes."""

from __future__ import annotations

import json

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from entra_tui.core.claims_challenge import ClaimsChallenge
from entra_tui.core.safe_text import safe_text


class ChallengeView(ModalScreen[bool]):
    """Dismissed with True when the user asks to re-acquire with the challenge."""

    DEFAULT_CSS = """
    ChallengeView { align: center middle; }
    ChallengeView #challenge-box {
        width: 92%; height: 80%; border: round $accent; background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape,q", "close", "Close", id="challenge.close"),
                Binding("enter,r", "reacquire", "Re-acquire with the claims",
                        id="challenge.reacquire")]

    def __init__(self, challenge: ClaimsChallenge, profile_name: str | None) -> None:
        super().__init__()
        self.challenge = challenge
        self.profile_name = profile_name

    def compose(self) -> ComposeResult:
        text = Text()
        text.append("Claims challenge\n\n", style="bold")
        for line in self.challenge.explain():  # already safe text
            text.append(f"{line}\n")
        text.append("\nThe claims request, decoded:\n", style="bold")
        shown = json.dumps(self.challenge.request, indent=2, ensure_ascii=False)
        text.append("\n".join(safe_text(line) for line in shown.splitlines()) + "\n\n")
        if self.profile_name:
            text.append(f"Enter re-acquires '{safe_text(self.profile_name)}' with this claims "
                        "challenge and then compares the old and new token; Esc closes.",
                        style="italic")
        else:
            text.append("Select a profile first to re-acquire with this claims challenge.",
                        style="italic")
        with VerticalScroll(id="challenge-box"):
            yield Static(text, id="challenge-text")

    def on_mount(self) -> None:
        box = self.query_one("#challenge-box")
        box.border_title = "WWW-Authenticate: claims challenge"
        box.border_subtitle = "Enter re-acquires · Esc closes"
        box.focus()

    def action_reacquire(self) -> None:
        if self.profile_name is None:
            self.notify("No profile selected.", severity="warning")
            return
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)
