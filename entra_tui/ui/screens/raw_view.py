"""The raw view: header and payload as highlighted JSON, and the three encoded parts."""

from __future__ import annotations

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from entra_tui.core.masking import Masker, mask_edges
from entra_tui.core.safe_text import inert_json, safe_text
from entra_tui.core.token import DecodedToken

SEGMENT_STYLES = ("bold red", "bold magenta", "bold cyan")


class RawView(ModalScreen[None]):
    """The encoded token shows only its first and last characters until revealed: a token
    on screen can be read off a screen share or a capture and replayed. In presentation mode
    (a masker given) revealing asks first: the token decodes to everything the mode hides."""

    # Its own CSS, read when it first opens rather than at start-up.
    DEFAULT_CSS = """
    RawView { align: center middle; }
    RawView #raw-box {
        width: 92%; height: 85%; border: round $accent; background: $surface; padding: 0 1;
    }
    """

    BINDINGS = [Binding("escape,r,q", "close", "Close", id="raw.close"),
                Binding("s", "reveal", "Reveal / hide token", id="raw.reveal")]

    def __init__(self, token: DecodedToken, masker: Masker | None = None) -> None:
        super().__init__()
        self.token = token
        self.masker = masker
        self.revealed = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="raw-box"):
            yield Static(Text("Header", style="bold"))
            yield Static(_json(self.token.header, self.masker), id="raw-header")
            yield Static(Text("Payload", style="bold"))
            yield Static(_json(self.token.claims, self.masker), id="raw-payload")
            yield Static(Text("Encoded (header . payload . signature)", style="bold"))
            yield Static(_segments(self.token, reveal=False), id="raw-segments")

    def on_mount(self) -> None:
        box = self.query_one("#raw-box")
        box.border_title = "Raw token"
        box.border_subtitle = "s reveals the encoded token · Esc closes"
        box.focus()

    def action_reveal(self) -> None:
        if self.masker is not None and not self.revealed:
            from entra_tui.ui.screens.confirm import Confirm

            self.app.push_screen(Confirm(Text(
                "Presentation mode is on. The encoded token is not masked: anyone who sees "
                "it can decode the names, e-mail addresses and ids hidden here, or replay "
                "it while it is valid. Show it anyway?"), "Reveal the token?"),
                lambda yes: self._reveal(bool(yes)))
            return
        self._reveal(not self.revealed)

    def _reveal(self, revealed: bool) -> None:
        self.revealed = revealed
        self.query_one("#raw-segments", Static).update(
            _segments(self.token, reveal=self.revealed))
        self.query_one("#raw-box").border_subtitle = (
            f"s {'hides' if self.revealed else 'reveals'} the encoded token · Esc closes")

    def action_close(self) -> None:
        self.dismiss(None)


def _json(data: object, masker: Masker | None) -> Syntax:
    # Hostile claim values cannot drive the terminal: every control, bidi and zero-width
    # character (and DEL) is escaped.
    dumped = inert_json(data)
    return Syntax(masker.apply(dumped) if masker else dumped, "json", theme="ansi_dark",
                  word_wrap=True, background_color="default")


def _segments(token: DecodedToken, *, reveal: bool) -> Text:
    if not reveal:
        return Text.assemble((safe_text(mask_edges(token.raw)), "bold"),
                             (f"  ({len(token.raw):,} characters hidden: s reveals, "
                              "c in the main view copies)", "dim"))
    text = Text()
    for index, segment in enumerate(token.segments):
        if index:
            text.append(".", style="bold")
        # The signature part is not checked as base64url when decoding: it can hold anything.
        text.append(safe_text(segment), style=SEGMENT_STYLES[index % 3])
    return text
