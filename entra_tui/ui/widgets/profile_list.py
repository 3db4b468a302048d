"""The profiles pane: profiles grouped by tenant, numbered 1-9 for quick jumps, each with
its last token state (none, valid and time left, expiring, expired, error), filtered by `/`."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.binding import Binding
from textual.reactive import reactive
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from entra_tui.core.profile_state import ProfileState
from entra_tui.core.profiles import Profile

HEADING_WIDTH = 24
# Rows are padded to this before the first layout: the pane is 32 wide and its border and the
# list's scrollbar gutter take 4, so the first resize finds them right and need not rebuild.
DEFAULT_WIDTH = 28
NO_TOKEN = ProfileState("none", "–")
STATE_STYLES = {"none": "dim", "working": "cyan", "valid": "green", "expiring": "yellow",
                "expired": "red", "error": "bold red"}


def shorten(text: str, width: int) -> str:
    """Tenant GUIDs are longer than the pane; keep the start, which people recognise."""
    return text if len(text) <= width else text[: width - 1] + "…"


def matches(profile: Profile, needle: str) -> bool:
    """Case-insensitive match on anything people remember a profile by."""
    haystack = " ".join((profile.name, profile.tenant, profile.client_id, profile.flow,
                         profile.description)).lower()
    return all(word in haystack for word in needle.lower().split())


class ProfileFilter(Input):
    """`/` opens it; typing filters; Enter or ↓ goes to the list; Esc clears and closes."""

    BINDINGS = [
        Binding("escape", "close", "Clear filter", id="filter.clear"),
        Binding("down", "to_list", "To the list", show=False, id="filter.down"),
    ]

    def action_close(self) -> None:
        self.value = ""
        self.display = False
        self.screen.query_one(ProfileList).focus()

    def action_to_list(self) -> None:
        self.screen.query_one(ProfileList).focus()


class ProfileList(OptionList):
    """Arrow keys or j/k move; Enter acquires; the highlighted profile is the current one."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="profile.down"),
        Binding("k", "cursor_up", "Up", show=False, id="profile.up"),
    ]

    def __init__(self, *, id: str | None = None,  # noqa: A002 - Textual's naming
                 on_highlight: Callable[[str | None], None] | None = None) -> None:
        super().__init__(id=id)
        self._on_highlight = on_highlight
        self.all_profiles: tuple[Profile, ...] = ()
        self.ordered: list[Profile] = []
        self.needle = ""
        self.states: dict[str, ProfileState] = {}
        self._built_width = 0  # the width the rows were padded to

    def show_profiles(self, profiles: tuple[Profile, ...], needle: str | None = None) -> None:
        """Group by tenant in file order; number profiles in the order they appear."""
        self.all_profiles = profiles
        if needle is not None:
            self.needle = needle
        keep = self.highlighted_name
        shown = [p for p in profiles if matches(p, self.needle)] if self.needle else profiles
        groups: dict[str, list[Profile]] = {}
        for profile in shown:
            groups.setdefault(profile.tenant, []).append(profile)
        self.ordered = [p for group in groups.values() for p in group]
        options: list[Option] = []
        for tenant, members in groups.items():
            options.append(Option(Text(shorten(tenant, HEADING_WIDTH), style="bold cyan"),
                                  disabled=True))
            options.extend(Option(self._prompt(p), id=p.name) for p in members)
        self.clear_options()
        self.add_options(options)
        self._built_width = self._row_width()
        names = [p.name for p in self.ordered]
        if names:
            self.highlight_profile(keep if keep in names else names[0])

    # Not a whole-list repaint when the highlight moves: only the two options that changed
    # (a full repaint was a tenth of a profile switch's frame).
    highlighted: reactive[int | None] = reactive(None, repaint=False)

    def watch_highlighted(self, previous: int | None, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        for index in (previous, highlighted):
            line = self._index_to_line.get(index) if index is not None else None
            if line is None:
                self.refresh()  # not laid out yet: no lines to pick
            else:
                self.refresh_lines(line, self._heights[index])
        if self._on_highlight is not None:
            self._on_highlight(self.highlighted_name)

    @property
    def highlighted_name(self) -> str | None:
        if self.highlighted is None or not self.option_count:
            return None
        return self.get_option_at_index(self.highlighted).id

    def _prompt(self, profile: Profile) -> Text:
        """`1 name           ● 42m`: plain Text padded to the list's width (a Rich Table per
        option cost ~4 ms each to draw)."""
        number = self.ordered.index(profile) + 1
        state = self.states.get(profile.name, NO_TOKEN)
        width = self._row_width()
        label = f" {state.label}"
        room = max(4, width - 2 - len(label))
        name = profile.name if len(profile.name) <= room else profile.name[: room - 1] + "…"
        return Text.assemble((f"{number} " if number <= 9 else "  ", "dim"),
                             name.ljust(room), (label, STATE_STYLES[state.kind]))

    def _row_width(self) -> int:
        return self.scrollable_content_region.width or DEFAULT_WIDTH

    def on_resize(self) -> None:
        # The state column follows the width; the first resize usually finds the rows
        # already built for it (rebuilding them anyway cost 5 ms before the first frame).
        if self.all_profiles and self._row_width() != self._built_width:
            self.show_profiles(self.all_profiles)

    def set_state(self, name: str, state: ProfileState) -> None:
        """Update one profile's state column (only when it changed: redraws cost time)."""
        if self.states.get(name, NO_TOKEN) == state:
            return
        self.states[name] = state
        profile = next((p for p in self.ordered if p.name == name), None)
        if profile is not None:
            self.replace_option_prompt(name, self._prompt(profile))

    def highlight_profile(self, name: str) -> None:
        self.highlighted = self.get_option_index(name)

    def profile_at(self, number: int) -> Profile | None:
        return self.ordered[number - 1] if 0 < number <= len(self.ordered) else None
