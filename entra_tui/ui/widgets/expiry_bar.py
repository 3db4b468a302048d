"""A live countdown to the token's expiry with a lifetime bar coloured by state."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from entra_tui.core.expiry import ExpiryState, expiry_status
from entra_tui.core.timefmt import clock_time, countdown
from entra_tui.core.token import DecodedToken
from entra_tui.ui.widgets.text_lines import TextLines

STATE_STYLES = {
    ExpiryState.VALID: "green",
    ExpiryState.EXPIRING_SOON: "yellow",
    ExpiryState.EXPIRED: "red",
    ExpiryState.NOT_YET_VALID: "blue",
    ExpiryState.NO_EXPIRY: "dim",
}


class ExpiryBar(TextLines):
    """Ticks once a second while a token is shown; idle (no timer work) otherwise."""

    def __init__(self, clock: Callable[[], float], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._clock = clock
        self._token: DecodedToken | None = None

    def on_mount(self) -> None:
        self._ticker = self.set_interval(1.0, self.tick, pause=True)

    def show_token(self, token: DecodedToken | None) -> None:
        self._token = token
        if token is None:
            self._ticker.pause()
        else:
            self._ticker.resume()
        self.tick()

    def on_resize(self) -> None:
        self.tick()  # the bar and the truncation follow the width

    def tick(self) -> None:
        # Two lines, always: no layout pass, so a tick redraws this widget and nothing else.
        self.show(self.render_status())

    def render_status(self) -> Text:
        if self._token is None:
            return Text("No token yet.", style="dim")
        status = expiry_status(self._token, self._clock())
        style = STATE_STYLES[status.state]
        line = Text.assemble(("● ", style), (status.state.value.upper(), f"bold {style}"))
        exp = self._token.time_claim("exp")
        if status.seconds_left is not None and exp is not None:
            left = status.seconds_left
            phrase = f"  expires in {countdown(left)}" if left > 0 \
                else f"  expired {countdown(-left)} ago"
            line.append(phrase, style="bold")
            line.append(f"  at {clock_time(exp)}", style="dim")
        line.truncate(self.size.width - 2, overflow="ellipsis")
        width = max(10, self.size.width - 5)
        filled = round(status.fraction_left * width)
        line.append("\n")
        line.append("━" * filled, style=style)
        line.append("━" * (width - filled), style="dim")
        line.append(f" {status.fraction_left * 100:3.0f}%", style=style)
        return line
