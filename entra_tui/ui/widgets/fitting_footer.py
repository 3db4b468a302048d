"""A footer that shows only the keys that fit, never half a key.

Textual's footer lays its keys out in a row and cuts the last one off ("q Qu" at 80
columns). This one drops keys from the end of the list until the rest fit, but always keeps
`q Quit` and `F1 Help`: with those two anyone can leave or find every other key."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

ALWAYS = frozenset({"quit", "help"})  # actions whose keys stay at any width
PALETTE_WIDTH = 12  # "▏^p palette", docked on the right


def key_width(key: FooterKey) -> int:
    """Cells the key takes: " k " and "description "."""
    description = len(key.description) + 1 if key.description else 0
    return len(key.key_display) + 2 + description


class FittingFooter(Footer):
    """Textual's footer, trimmed to the screen's width (recomposed when that changes)."""

    _fitted_width = 0

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        keys = [w for w in widgets if isinstance(w, FooterKey)
                and "-command-palette" not in w.classes]
        if not self.screen.is_active:  # under a dialog: its keys are not this screen's
            keys = []
        # In the screen's own order: a key the user remapped ([ui.keymap]) comes last in
        # Textual's list and would be the first to go. A focused pane's keys stay first.
        order = {b.action: n for n, b in reversed(list(enumerate(self.screen.BINDINGS)))
                 if isinstance(b, Binding)}
        keys.sort(key=lambda k: order.get(k.action, -1))
        width = self.size.width or self.app.size.width  # before its first layout: the app's
        room = width - PALETTE_WIDTH
        self._fitted_width = width
        while keys and sum(key_width(k) for k in keys) > room:
            droppable = [k for k in keys if k.action not in ALWAYS]
            if not droppable:
                break
            keys.remove(droppable[-1])
        kept = set(map(id, keys))
        shown = keys + [w for w in widgets if not isinstance(w, FooterKey)
                        or id(w) not in kept and "-command-palette" in w.classes]
        self.styles.grid_size_columns = len(keys)
        yield from shown

    def on_resize(self) -> None:
        if self.size.width != self._fitted_width:  # only a new width needs other keys
            self._fitted_width = self.size.width
            self.call_after_refresh(self.recompose)
