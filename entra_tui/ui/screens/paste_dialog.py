"""Paste any token: a bare JWT, `Bearer ...`, an Authorization header or a redirect URL.

Enter inspects; a problem is shown under the text and the text is kept, so nothing is lost.

A paste too large to be a token (a 2 MB paste, a log file) is kept aside and the text area
says so in one line: soft-wrapping one 2,000,000-character line took the TextArea seconds
(twenty in a real terminal) before anything showed, while decoding it takes milliseconds.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from entra_tui.core.claims_challenge import ClaimsChallenge
from entra_tui.core.errors import TokenDecodeError
from entra_tui.core.paste import PastedToken, extract_token
from entra_tui.core.safe_text import safe_text
from entra_tui.core.token import DecodedToken, decode_token
from entra_tui.ui.inert import inert

# Real tokens stay far below this (Entra's largest, with 200 groups, are ~16 KB); past it a
# paste is not put into the text area, whose wrapping cost grows with the line's length.
SHOWN_PASTE_CHARS = 64 * 1024


class TokenTextArea(TextArea):
    """A text area where Enter submits (pastes arrive whole, line breaks included)."""

    class Submitted(Message):
        pass

    class LargePaste(Message):
        """A paste too large to show: the dialog keeps it and shows a line about it."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.prevent_default()
            event.stop()
            self.post_message(self.Submitted())
            return
        await super()._on_key(event)

    def on_paste(self, event: events.Paste) -> None:
        """A paste goes in inert: the text area draws what it holds, escapes included.
        Textual calls each class's handler in turn, this subclass's first: TextArea's own
        (`_on_paste`, not overridden) then inserts the text as changed here. A huge one goes
        to the dialog instead (prevent_default: TextArea's handler never runs)."""
        if len(event.text) > SHOWN_PASTE_CHARS:
            event.prevent_default()
            self.post_message(self.LargePaste(inert_paste(event.text)))
            return
        event.text = inert_paste(event.text)

    def on_unmount(self) -> None:
        """TextArea watches the app's theme (`self.watch(app, "theme", ...)`), and Textual
        keeps that watcher, and with it this text area, until the theme next changes: one
        text area a dialog opened, for the whole session (Textual issue #6666)."""
        forget_watchers(self.app, self)


def forget_watchers(watched: DOMNode, watcher: DOMNode) -> None:
    """Drop the callbacks `watcher` registered with `watch()` on `watched`'s reactives.
    Textual has no call for it; it keeps them in the watched object's "__watchers" (an
    attribute name it sets as a string: no name mangling), each as (watcher, callback)."""
    for callbacks in getattr(watched, "__watchers", {}).values():
        callbacks[:] = [(node, callback) for node, callback in callbacks if node is not watcher]


def inert_paste(text: str) -> str:
    """Pasted text with its line breaks and tabs kept (they separate a header from a token)
    and every other control, bidi or invisible character shown escaped. Terminals and tmux
    send a bracketed paste's line breaks as CR: \\r\\n, \\r and \\n are all line breaks."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join("\t".join(safe_text(part) for part in line.split("\t")) for line in lines)


class PasteDialog(ModalScreen[tuple[PastedToken, DecodedToken] | ClaimsChallenge | None]):
    # Its own CSS, read when it first opens rather than at start-up.
    DEFAULT_CSS = """
    PasteDialog { align: center middle; }
    PasteDialog #paste-box {
        width: 90%; max-width: 120; height: auto; max-height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    PasteDialog #paste-text { height: 8; }
    PasteDialog #paste-problem { color: $error; }
    PasteDialog #paste-help { width: 1fr; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="paste.cancel")]

    def __init__(self, initial: str = "") -> None:
        super().__init__()
        self._initial = initial
        self._large: str | None = None  # a paste kept aside, and the line shown for it
        self._large_line = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="paste-box"):
            # A Static wraps to the box (a Label kept one line: cut at 120 columns).
            yield Static("Paste a token, a Bearer value, an Authorization header or a URL "
                         "with access_token= / id_token=. Enter inspects, Esc cancels.",
                         id="paste-help")
            shown = inert_paste(self._initial)
            if len(shown) > SHOWN_PASTE_CHARS:
                shown = self._keep_large(shown)
            yield TokenTextArea(shown, id="paste-text", soft_wrap=True)
            yield Static(id="paste-problem")

    def _keep_large(self, text: str) -> str:
        self._large = text
        self._large_line = (f"‹{len(text):,} characters pasted, too many to show: Enter "
                            "inspects them; typing or a new paste replaces them›")
        return self._large_line

    def on_token_text_area_large_paste(self, event: TokenTextArea.LargePaste) -> None:
        area = self.query_one(TokenTextArea)
        area.text = self._keep_large(event.text)
        area.move_cursor(area.document.end)
        self.query_one("#paste-problem", Static).update("")

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self._large is not None and event.text_area.text != self._large_line:
            self._large = None  # edited: what is typed is what gets inspected

    @property
    def pasted_text(self) -> str:
        """What Enter inspects: the text area's text, or the large paste it stands for."""
        text = self.query_one(TokenTextArea).text
        return self._large if self._large is not None and text == self._large_line else text

    def on_mount(self) -> None:
        self.query_one("#paste-box").border_title = "Inspect a token"
        self.query_one(TokenTextArea).focus()
        if self._initial:
            self.call_after_refresh(self.on_token_text_area_submitted)

    def on_screen_suspend(self) -> None:
        """Closed (or covered by another screen): what its widgets drew goes, drawn again if
        it shows again. Textual keeps each widget's drawn lines (its StylesCache) in a
        class-wide lru_cache after the widget is gone (Textual issue #6665), up to 1,024
        of them: every line of the dialogs a long session opened."""
        for widget in [self, *self.query("*")]:
            widget._styles_cache.clear()

    def on_token_text_area_submitted(self, _: object = None) -> None:
        text = self.pasted_text
        problem = self.query_one("#paste-problem", Static)
        from entra_tui.core.claims_challenge import (
            ChallengeError,
            looks_like_challenge,
            parse_challenge,
        )

        if looks_like_challenge(text):  # a WWW-Authenticate claims challenge (CAE)
            try:
                self.dismiss(parse_challenge(text))
            except ChallengeError as exc:
                problem.update(inert(f"Not read: {exc}."))
            return
        try:
            pasted = extract_token(text)
            decoded = decode_token(pasted.token)
        except TokenDecodeError as exc:
            problem.update(inert(f"Not inspected: {exc}."))
            return
        self.dismiss((pasted, decoded))

    def action_cancel(self) -> None:
        self.dismiss(None)
