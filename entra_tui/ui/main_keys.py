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
from textual.keys import key_to_character

from entra_tui.core.safe_text import safe_text

if TYPE_CHECKING:
    from entra_tui.core.errors import ConfigError
    from entra_tui.core.profiles import ProfileSet
    from entra_tui.ui.screens.main import MainScreen


def _listed(binding: object, sandbox_admin: bool = False) -> bool:
    """A binding shown by name: the nine profile jumps are one help line ("1-9"); R (revoke
    sessions) only where it can work, the demo's sandbox."""
    return isinstance(binding, Binding) and not (binding.id or "").startswith(
        "profiles.jump") and (sandbox_admin or binding.action != "sandbox_revoke")


def _sandbox_admin_here(app: App[object]) -> bool:
    """A profile R could act on: the demo's sandbox (ui/sandbox_admin.py says which)."""
    from entra_tui.ui.sandbox_admin import revocation_target

    profile_set = getattr(app, "profile_set", None)
    # Any account will do: only "not the sandbox" comes back as a reason (a string).
    return any(not isinstance(revocation_target(profile, "someone"), str)
               for profile in (profile_set.profiles if profile_set else ()))


def user_binding(app: App[object], binding: Binding) -> Binding:
    """`binding` with the user's key(s) where `[ui.keymap]` remaps it."""
    profile_set = getattr(app, "profile_set", None)
    keymap = dict(profile_set.ui.keymap) if profile_set else {}
    if binding.id in keymap:
        return dataclasses.replace(binding, key=keymap[binding.id])
    return binding


def user_keys(app: App[object], binding_id: str) -> list[str]:
    """How the footer writes each key of the main screen's binding `binding_id` (the user's
    keys where remapped), e.g. ["a"] or ["g"]; inert text."""
    from entra_tui.ui.main_bindings import BINDINGS

    binding = next((b for b in BINDINGS if isinstance(b, Binding)
                    and b.id == binding_id), None)
    if binding is None:
        return []
    binding = user_binding(app, binding)
    return [key_label(app, dataclasses.replace(binding, key=key.strip()))
            for key in binding.key.split(",") if key.strip()]


def key_hint(app: App[object], binding_id: str) -> str:
    """The key a notice names for the main screen's `binding_id` ("press a to acquire"):
    the user's first key where `[ui.keymap]` remaps it."""
    keys = user_keys(app, binding_id)
    return keys[0] if keys else binding_id


def key_label(app: App[object], binding: Binding) -> str:
    """Every key of `binding` as the footer and the F1 help write it ("f1, ?", not
    "f1,question_mark"; "😀", not "grinning_face"), inert: a key from the profile file is
    its text, and Textual shows a key name it does not know as it is."""
    return safe_text(binding.key_display or ", ".join(
        _one_key(app, dataclasses.replace(binding, key=key.strip()))
        for key in binding.key.split(",") if key.strip()))


def _one_key(app: App[object], binding: Binding) -> str:
    shown = app.get_key_display(binding)
    _modifiers, name = binding.parse_key()
    # Textual binds a typed character by its Unicode name ("😀" as grinning_face) and
    # shows the names it has no table entry for as they are: shown as the character.
    if len(name) > 1 and shown.endswith(name):
        character = key_to_character(name)
        if character is not None and character.isprintable() and not character.isspace():
            return shown[: -len(name)] + character
    return shown


class PaletteEntry(NamedTuple):
    """One entry of the command palette, in plain text (never parsed as markup)."""

    title: str
    help: str
    callback: Callable[[], object]


def palette_commands(screen: MainScreen) -> Iterator[PaletteEntry]:
    """Every action of `screen` and every profile, for the command palette."""
    profile_set = screen.entra.profile_set
    sandbox_admin = _sandbox_admin_here(screen.app)
    for binding in screen.BINDINGS:
        if not isinstance(binding, Binding) or not _listed(binding, sandbox_admin) \
                or binding.action == "quit":
            continue
        binding = user_binding(screen.app, binding)  # [ui.keymap]: the user's key
        key = key_label(screen.app, binding)  # inert: a remapped key is the file's text
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
    sandbox_admin = _sandbox_admin_here(screen.app)
    bindings = [user_binding(screen.app, b) for b in screen.BINDINGS
                if isinstance(b, Binding) and _listed(b, sandbox_admin)]
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


# The binding ids of the dialogs and panes, which `[ui.keymap]` may remap too (the main
# screen's are in main_bindings.BINDINGS). Listed here, not found by importing every dialog
# at start-up; tests/test_keymap_config.py checks it against every Binding in entra_tui/ui.
OTHER_BINDING_IDS = frozenset({
    "challenge.close", "challenge.reacquire", "choice.cancel", "claims.copy_here",
    "claims.down", "claims.first", "claims.last", "claims.page_down", "claims.page_up",
    "claims.select", "claims.up", "confirm.no", "confirm.yes", "device.cancel",
    "device.copy", "diff.close", "diff.copy", "editor.cancel", "editor.save",
    "error.copy_ids", "file.cancel", "filter.clear", "filter.down", "health.close",
    "health.close_key", "health.recheck", "help.close", "paste.cancel",
    "profile.clear_filter", "profile.down", "profile.first", "profile.last",
    "profile.page_down", "profile.page_up", "profile.select", "profile.up", "raw.close",
    "raw.reveal", "report.close", "report.verify", "trace.close", "trace.copy",
})


def keymap_problems(profile_set: ProfileSet | None) -> list[ConfigError]:
    """What `[ui.keymap]` could not use, each with where and why: keys that are no keys (the
    loader set them aside), ids no binding has (a typo; the likely one is named) and keys
    given to two bindings at once."""
    if profile_set is None:
        return []
    problems = list(profile_set.ui.problems)
    known = binding_ids() if profile_set.ui.keymap else frozenset()
    unknown = [binding_id for binding_id, _keys in profile_set.ui.keymap
               if binding_id not in known]
    if unknown:
        import difflib

        from entra_tui.core.profiles import locate_keymap_error

        for binding_id in unknown:
            close = difflib.get_close_matches(binding_id, sorted(known), n=1)
            problems.append(locate_keymap_error(
                profile_set.path, binding_id, "no key has this id" + (
                    f" (did you mean '{close[0]}'?)" if close else
                    " (entra_tui/ui/main_bindings.py lists the ids)") + "; ignored"))
    return problems + _shared_keys(profile_set)


def _shared_keys(profile_set: ProfileSet) -> list[ConfigError]:
    """Keys `[ui.keymap]` gives to a main-screen binding that another one also has: Textual
    answers only one of them, so the other (Quit, say) could no longer be reached by it."""
    remapped = dict(profile_set.ui.keymap)
    if not remapped:
        return []
    from entra_tui.core.profiles import locate_keymap_error
    from entra_tui.ui.main_bindings import BINDINGS

    owners: dict[str, list[str]] = {}
    for binding in BINDINGS:
        if isinstance(binding, Binding) and binding.id:
            for key in remapped.get(binding.id, binding.key).split(","):
                owners.setdefault(key.strip(), []).append(binding.id)
    problems = []
    for key, ids in owners.items():
        for binding_id in (i for i in ids if i in remapped and len(ids) > 1):
            others = ", ".join(f"'{other}'" for other in ids if other != binding_id)
            problems.append(locate_keymap_error(
                profile_set.path, binding_id, f"'{key}' is also the key of {others}: only "
                "one of them answers it; choose another key"))
    return problems


def binding_ids() -> frozenset[str]:
    """Every binding id `[ui.keymap]` can remap."""
    from entra_tui.ui.main_bindings import BINDINGS

    return OTHER_BINDING_IDS | {b.id for b in BINDINGS if isinstance(b, Binding) and b.id}
