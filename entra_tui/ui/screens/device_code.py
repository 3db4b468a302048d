"""The device-code sign-in: the code and where to enter it, a countdown, copy, cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from entra_tui.core.session import DeviceCodePrompt
from entra_tui.core.timefmt import countdown
from entra_tui.ui.inert import inert, inert_title

if TYPE_CHECKING:
    from entra_tui.ui.app import EntraTuiApp


class DeviceCodeScreen(ModalScreen[None]):
    # Its own CSS, read when it first opens rather than at start-up.
    DEFAULT_CSS = """
    DeviceCodeScreen { align: center middle; }
    DeviceCodeScreen #device-box {
        width: auto; min-width: 50; max-width: 90%; height: auto;
        border: round $accent; background: $surface; padding: 1 3;
    }
    DeviceCodeScreen #device-box > Static { width: auto; content-align: center middle; }
    DeviceCodeScreen #device-code { margin: 1 0; text-style: bold; }
    """

    BINDINGS = [
        Binding("c,y", "copy_code", "Copy code", id="device.copy"),
        Binding("escape", "cancel", "Cancel sign-in", id="device.cancel"),
    ]

    def __init__(self, profile_name: str, prompt: DeviceCodePrompt, cancel: threading.Event,
                 clock: Callable[[], float]) -> None:
        super().__init__()
        self.profile_name = profile_name
        self.prompt = prompt
        self.cancel = cancel
        self._clock = clock

    def compose(self) -> ComposeResult:
        with Vertical(id="device-box"):
            yield Static(Text("To sign in, open", style="dim"))
            yield Static(inert(self.prompt.verification_uri, style="bold underline"),
                         id="device-url")
            yield Static(Text("and enter the code", style="dim"))
            yield Static(inert(self.prompt.user_code, style="bold reverse"), id="device-code")
            yield Static(id="device-countdown")
            yield Static(Text("c copies the code · Esc cancels", style="dim"))

    def on_mount(self) -> None:
        box = self.query_one("#device-box")
        box.border_title = inert_title(f"Device code sign-in · {self.profile_name}")
        self.tick()
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        left = self.prompt.expires_at - self._clock()
        text = (Text(f"The code expires in {countdown(left)}", style="bold")
                if left > 0 else Text("The code has expired.", style="bold red"))
        self.query_one("#device-countdown", Static).update(text)

    def action_copy_code(self) -> None:
        cast("EntraTuiApp", self.app).copy_secret_text(self.prompt.user_code, "Device code")

    def action_cancel(self) -> None:
        self.cancel.set()
        self.dismiss(None)
