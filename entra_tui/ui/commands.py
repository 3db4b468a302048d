"""The command palette's entries for the main screen (Ctrl+P), as a Textual command
`Provider`: every action of the main screen's bindings, named with the user's key, and a
"Switch to profile" entry per profile.

The entries come from `main_keys.palette_commands`, which reads the same `MainScreen.BINDINGS`
the footer and the F1 help read, so the three never disagree. Registered on the main screen
(`MainScreen.COMMANDS`), the entries are offered only while it is the screen the palette was
opened from: under a dialog, the palette has Textual's own commands only.
"""

from __future__ import annotations

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider


class MainScreenCommands(Provider):
    """The main screen's actions and profiles, searched with Textual's fuzzy matcher."""

    def _commands(self) -> list[SystemCommand]:
        from entra_tui.ui.main_keys import palette_commands
        from entra_tui.ui.screens.main import MainScreen

        screen = self.screen
        if not isinstance(screen, MainScreen) or screen.too_small.active:
            return []  # below the minimum size the panes are hidden: nothing acts unseen
        return list(palette_commands(screen))

    async def discover(self) -> Hits:
        """The palette opened with nothing typed: every entry, by title."""
        for command in sorted(self._commands(), key=lambda command: command.title):
            if command.discover:
                yield DiscoveryHit(command.title, command.callback, help=command.help)

    async def search(self, query: str) -> Hits:
        """The entries whose title matches what was typed, best first."""
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.callback,
                          help=command.help)
