"""The command palette's entries for the main screen (Ctrl+P), as a Textual command
`Provider`: every action of the main screen's bindings, named with the user's key, and a
"Switch to profile" entry per profile.

The entries come from `main_keys.palette_commands`, which reads the same `MainScreen.BINDINGS`
the footer and the F1 help read, so the three never disagree. Registered on the main screen
(`MainScreen.COMMANDS`), the entries are offered only while it is the screen the palette was
opened from: under a dialog, the palette has Textual's own commands only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

if TYPE_CHECKING:
    from textual.fuzzy import Matcher

    from entra_tui.ui.main_keys import PaletteEntry


class MainScreenCommands(Provider):
    """The main screen's actions and profiles, searched with Textual's fuzzy matcher.

    Titles and help go to the palette as `Content`, which it shows as they are: a string
    would be parsed as markup, and a profile named `back\\` or `[b]x` would not read as
    the list writes it."""

    def _commands(self) -> list[PaletteEntry]:
        from entra_tui.ui.main_keys import palette_commands
        from entra_tui.ui.screens.main import MainScreen

        screen = self.screen
        if not isinstance(screen, MainScreen) or screen.too_small.active:
            return []  # below the minimum size the panes are hidden: nothing acts unseen
        return list(palette_commands(screen))

    async def discover(self) -> Hits:
        """The palette opened with nothing typed: every entry, by title."""
        for command in sorted(self._commands(), key=lambda command: command.title):
            yield DiscoveryHit(Content(command.title), command.callback, text=command.title,
                               help=_help(command.help))

    async def search(self, query: str) -> Hits:
        """The entries whose title matches what was typed, best first."""
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, _highlight(matcher, command.title), command.callback,
                          text=command.title, help=_help(command.help))


def _highlight(matcher: Matcher, title: str) -> Content:
    """`title` with the typed characters marked, as `Matcher.highlight` marks them, but read
    as plain text (`highlight` parses its argument as markup, and its marks would then fall
    on the wrong characters after an escape)."""
    content = Content(title)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, title)
    for offset in offsets:
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def _help(text: str) -> str | None:
    """The palette reads a hit's help with `Content.from_markup`, which passes `Content`
    through unparsed; the hit's field is typed as a markup string."""
    return cast(str, Content(text)) if text else None
