"""A footer that shows only the keys that fit, never half a key.

Textual's footer lays its keys out in a row and cuts the last one off ("q Qu" at 80
columns). This one drops keys from the end of the list until the rest fit, but always keeps
`q Quit` and `F1 Help`: with those two anyone can leave or find every other key.

It builds its keys itself rather than through `Footer.compose`, for two reasons:
- Textual's footer data-binds every key to its `compact`, and a binding stays in the
  footer's watcher list (holding the key) until `compact` changes, which it never does here:
  each rebuild kept every key it made, those dropped for lack of room included, for the
  whole session (Textual issue #6666). Keys made here take the footer's `compact` when made
  and follow it through `watch_compact`.
- The screen's bindings change many times a second during a session (focus, a token shown,
  a dialog); the footer is rebuilt only when the keys it shows differ.

The main screen's bindings have no binding groups, so keys are never grouped here. Each key
is written as the F1 help writes it (`main_keys.key_label`), through safe_text: a key from
`[ui.keymap]` is the profile file's text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from entra_tui.ui.main_keys import key_label

if TYPE_CHECKING:
    from textual.screen import Screen

ALWAYS = frozenset({"quit", "help"})  # actions whose keys stay at any width
PALETTE_WIDTH = 12  # "▏^p palette", docked on the right
PALETTE_CLASS = "-command-palette"  # Textual's class for the palette key


class ShownKey(NamedTuple):
    """One key as the footer shows it: what a FooterKey is made from."""

    key: str
    key_display: str
    description: str
    action: str
    enabled: bool
    tooltip: str

    @property
    def width(self) -> int:
        """Cells the key takes: " k " and "description " (a key from `[ui.keymap]` may be
        any character, a CJK one takes two cells)."""
        description = cell_len(self.description) + 1 if self.description else 0
        return cell_len(self.key_display) + 2 + description


class ShownKeys(NamedTuple):
    keys: tuple[ShownKey, ...]  # in the screen's order, those that fit
    palette: ShownKey | None  # the command palette's key, docked on the right


class FittingFooter(Footer):
    """Textual's footer, trimmed to the screen's width (rebuilt when that changes which keys
    fit, or when the screen's keys change)."""

    _shown: ShownKeys | None = None  # what the keys on the footer were built from

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._shown = shown = self._keys_that_fit()
        self.styles.grid_size_columns = len(shown.keys)
        for entry in shown.keys:
            key = self._footer_key(entry)
            # What Footer's data_bind would set, without a watcher left on the footer.
            key.set_reactive(FooterKey.compact, self.compact)
            key.set_class(self.compact, "-compact")
            yield key
        if shown.palette is not None:  # not bound to `compact` in Textual's footer either
            yield self._footer_key(shown.palette, classes=PALETTE_CLASS)

    @staticmethod
    def _footer_key(entry: ShownKey, classes: str = "") -> FooterKey:
        return FooterKey(entry.key, entry.key_display, entry.description, entry.action,
                         disabled=not entry.enabled, tooltip=entry.tooltip, classes=classes)

    def _keys_that_fit(self) -> ShownKeys:
        """The keys to show, as Textual's footer lists them (the first binding of each
        action that is shown), then ordered and trimmed to the width."""
        screen, app = self.screen, self.app
        active_bindings = screen.active_bindings
        by_action: dict[str, ShownKey] = {}
        for _node, binding, enabled, tooltip in active_bindings.values():
            if binding.show and binding.action not in by_action:
                by_action[binding.action] = ShownKey(
                    binding.key, key_label(app, binding), binding.description,
                    binding.action, enabled, tooltip)
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = active_bindings.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, _tooltip = found
                palette = ShownKey(binding.key, key_label(app, binding),
                                   binding.description, binding.action, enabled,
                                   binding.tooltip or binding.description)
        # Under a dialog its keys are not this screen's: none are shown.
        keys = list(by_action.values()) if screen.is_active else []
        # In the screen's own order: a key the user remapped ([ui.keymap]) comes last in
        # Textual's list and would be the first to go. A focused pane's keys stay first.
        order = {b.action: n for n, b in reversed(list(enumerate(screen.BINDINGS)))
                 if isinstance(b, Binding)}
        keys.sort(key=lambda k: order.get(k.action, -1))
        width = self.size.width or app.size.width  # before its first layout: the app's
        room = width - PALETTE_WIDTH
        while keys and sum(k.width for k in keys) > room:
            droppable = [k for k in keys if k.action not in ALWAYS]
            if not droppable:
                break
            keys.remove(droppable[-1])
        return ShownKeys(tuple(keys), palette)

    def watch_compact(self, compact: bool) -> None:
        for key in self.query_children(FooterKey):
            if PALETTE_CLASS not in key.classes:
                key.compact = compact

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self._refit_after_refresh()

    def on_resize(self) -> None:
        self._refit_after_refresh()  # a new width may fit other keys

    def _refit_after_refresh(self) -> None:
        # Every change asks (no "one already asked" flag): a callback waits for the screen
        # that was on top to repaint, and one lost under a dialog must not hold the rest.
        self.call_after_refresh(self._refit)

    async def _refit(self) -> None:
        """Rebuilt only if the keys to show differ from those shown (seldom: most bindings
        refreshes change nothing the footer shows)."""
        if self.is_attached and self._bindings_ready and self._keys_that_fit() != self._shown:
            await self.recompose()
