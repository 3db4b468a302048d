"""The status bar counting down to the clipboard being cleared (made when first needed)."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from entra_tui.core.clipboard import ClipboardGuard


class ClipboardCountdown(Static):
    """`📋 Clipboard clears in 12 s`, once a second while a clear is pending; then clears the
    clipboard (if it still holds what we copied) and hides."""

    DEFAULT_CSS = """
    ClipboardCountdown { height: 1; padding: 0 1; background: $warning 20%; color: $text; }
    """

    def __init__(self, guard: ClipboardGuard) -> None:
        super().__init__(id="status-bar")
        self.guard = guard
        self._timer: Timer | None = None

    @classmethod
    def on_screen(cls, screen: Screen[Any], guard: ClipboardGuard) -> ClipboardCountdown:
        """The screen's countdown, mounted above its footer on first use."""
        found = screen.query(ClipboardCountdown)
        if found:
            return found.first()
        bar = cls(guard)
        screen.mount(bar, before=screen.query_one(Footer))
        return bar

    def tick(self) -> None:
        """Show the time left, or clear now when due and say what happened."""
        guard = self.guard
        if guard.due():
            outcome = guard.clear_now()
            if outcome == "cleared":
                self.app.notify("Clipboard cleared.")
            elif outcome == "changed":
                self.app.notify("Clipboard left as is: it holds something you copied since.")
        left = guard.seconds_left()
        self.display = left is not None
        if left is None:
            if self._timer is not None:
                self._timer.stop()
                self._timer = None
            return
        self.update(f"📋 Clipboard clears in {int(left + 0.999)} s (if it still holds what "
                    "entra-tui copied)")
        if self._timer is None:
            # The app's timer: it keeps running while a dialog covers the main screen.
            self._timer = self.app.set_interval(1, self.tick)
