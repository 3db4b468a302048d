"""The main screen's keys as the command palette and the F1 help show them, built from its
one list of bindings (so the footer, the palette and the help never disagree).

The palette names the user's key where `[ui.keymap]` remaps one, each key as the help writes
it ("f1, ?"). Its entries are plain text (the profile file's through `safe_text`): the provider
hands them to the palette as `Content`, which it does not parse as markup.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from textual.app import App
from textual.binding import Binding

from entra_tui.core.safe_text import safe_text

if TYPE_CHECKING:
    from entra_tui.ui.screens.main import MainScreen


def _listed(binding: object) -> bool:
    """A binding shown by name: the nine profile jumps are one help line ("1-9")."""
    return isinstance(binding, Binding) and not (binding.id or "").startswith("profiles.jump")


def user_binding(app: App[object], binding: Binding) -> Binding:
    """`binding` with the user's key(s) where `[ui.keymap]` remaps it."""
    profile_set = getattr(app, "profile_set", None)
    keymap = dict(profile_set.ui.keymap) if profile_set else {}
    if binding.id in keymap:
        return dataclasses.replace(binding, key=keymap[binding.id])
    return binding


def user_keys(app: App[object], binding_id: str) -> list[str]:
    """How the footer writes each key of the main screen's binding `binding_id` (the user's
    keys where remapped), e.g. ["a"] or ["g"]."""
    from entra_tui.ui.main_bindings import BINDINGS

    binding = next((b for b in BINDINGS if isinstance(b, Binding)
                    and b.id == binding_id), None)
    if binding is None:
        return []
    binding = user_binding(app, binding)
    return [app.get_key_display(dataclasses.replace(binding, key=key.strip()))
            for key in binding.key.split(",") if key.strip()]


def key_label(app: App[object], binding: Binding) -> str:
    """Every key of `binding` as the F1 help writes it: "f1, ?", not "f1,question_mark"."""
    return binding.key_display or ", ".join(
        app.get_key_display(dataclasses.replace(binding, key=key.strip()))
        for key in binding.key.split(",") if key.strip())


class PaletteEntry(NamedTuple):
    """One entry of the command palette, in plain text (never parsed as markup)."""

    title: str
    help: str
    callback: Callable[[], object]


def palette_commands(screen: MainScreen) -> Iterator[PaletteEntry]:
    """Every action of `screen` and every profile, for the command palette."""
    profile_set = screen.entra.profile_set
    for binding in screen.BINDINGS:
        if not isinstance(binding, Binding) or not _listed(binding) \
                or binding.action == "quit":
            continue
        binding = user_binding(screen.app, binding)  # [ui.keymap]: the user's key
        key = safe_text(key_label(screen.app, binding))  # a remapped key is the file's text
        yield PaletteEntry(f"{binding.description} ({key})", binding.tooltip or "",
                           partial(screen.run_action, binding.action))
    for profile in profile_set.profiles if profile_set else ():
        yield PaletteEntry(safe_text(f"Switch to profile {profile.name}"),
                           safe_text(f"{profile.tenant} · {profile.flow}" + (
                               f" · {profile.description}" if profile.description else "")),
                           partial(screen.switch_to, profile.name))


def open_help(screen: MainScreen) -> None:
    """F1 / ?: every key of `screen`, and what its focused pane is for."""
    from entra_tui.ui.screens.help import HelpScreen

    focused = screen.focused.id if screen.focused is not None else None
    bindings = [user_binding(screen.app, b) for b in screen.BINDINGS
                if isinstance(b, Binding) and _listed(b)]
    screen.app.push_screen(HelpScreen(bindings + EXTRA_HELP, focused))


# Keys the main screen's bindings do not hold (Textual's own, or a pane's), for the help.
EXTRA_HELP = [
    Binding("1-9", "", "Jump to profile n"),
    Binding("enter", "", "Acquire (in the list)", key_display="Enter",
            tooltip="Enter on the highlighted profile acquires a token for it"),
    Binding("tab", "", "Next pane", key_display="Tab",
            tooltip="Moves the focus between the profile list, the error panel and the "
                    "claims; Shift+Tab goes back"),
    Binding("ctrl+p", "", "Command palette", key_display="Ctrl+P",
            tooltip="Search every action and profile by name"),
    Binding("ctrl+c", "", "Copy the selection", key_display="Ctrl+C",
            tooltip="After selecting text with the mouse (the profile list, the claims, a "
                    "text pane): copied as shown, cleared from the system clipboard later"),
    Binding("ctrl+q", "", "Quit", key_display="Ctrl+Q", tooltip="Quit from anywhere"),
]
