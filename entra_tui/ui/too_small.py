"""Below the README's minimum size the panes do not fit: the main screen says so instead of
squeezing them out of sight, and only quit and help act while the panes are hidden (nothing
acts unseen)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from entra_tui.ui.lazy import note_on_first_use

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.widget import Widget

MIN_WIDTH, MIN_HEIGHT = 80, 24  # the README's minimum
KEYS_WHEN_TOO_SMALL = frozenset({"quit", "help"})


class TooSmall:
    """Follows `screen`'s size: the `-too-small` class and its note, and the focus parked
    while the panes are hidden (their keys go with it), given back when large again."""

    def __init__(self, screen: Screen[None]) -> None:
        self.screen = screen
        self._focus_before: Widget | None = None

    @property
    def active(self) -> bool:
        return self.screen.has_class("-too-small")

    def allows(self, action: str) -> bool:
        return not self.active or action in KEYS_WHEN_TOO_SMALL

    def resized(self, width: int, height: int) -> None:
        screen = self.screen
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        was_small = self.active
        if small and not was_small:
            self._focus_before = screen.focused
            screen.set_focus(None)
        elif was_small and not small and self._focus_before is not None:
            screen.set_focus(self._focus_before)
            self._focus_before = None
        note_on_first_use(screen, "too-small", (
            f"Terminal too small: {width}x{height} (need {MIN_WIDTH}x{MIN_HEIGHT}). Make the "
            "window larger, or press q to quit.") if small else "", before="#body")
        screen.set_class(small, "-too-small")
        if small != was_small:
            screen.refresh_bindings()
