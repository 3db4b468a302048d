"""The profiles pane: profiles grouped by tenant, numbered 1-9 for quick jumps, each with
its last token state (none, valid and time left, expiring, expired, error), filtered by `/`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input

from entra_tui.core.profile_state import ProfileState
from entra_tui.core.profiles import Profile
from entra_tui.core.safe_text import safe_text
from entra_tui.ui.widgets.lines import LinesWidget

# Rows are padded to this before the first layout: the pane is 32 wide and its border and the
# list's padding take 4, so the first resize finds them right and need not rebuild.
DEFAULT_WIDTH = 28
NO_TOKEN = ProfileState("none", "–")
STATE_STYLES = {"none": "dim", "working": "cyan", "valid": "green", "expiring": "yellow",
                "expired": "red", "error": "bold red", "cancelled": "dim"}


def shorten(text: str, width: int) -> str:
    """Tenant GUIDs are longer than the pane; keep the start, which people recognise."""
    return text if len(text) <= width else text[: width - 1] + "…"


def fit_name(name: str, room: int, others: list[str]) -> str:
    """`name` in `room` cells. Cut at the end when no other name starts the same way;
    otherwise keep its end too ("contoso-orders…-west" / "contoso-orders…-east"), so two
    profiles never read the same."""
    if len(name) <= room:
        return name
    keep = max(1, room - 1)
    rivals = [o for o in others if o != name and len(o) > room]
    if not any(o.startswith(name[:keep]) for o in rivals):
        return name[:keep] + "…"
    third = max(1, keep // 3)  # a readable end first, then whatever tells them apart
    for tail in [*range(third, keep), *range(1, third)]:
        head = keep - tail
        if not any(o.startswith(name[:head]) and o.endswith(name[-tail:]) for o in rivals):
            return name[:head] + "…" + name[-tail:]
    return name[:keep] + "…"


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


class ProfileList(LinesWidget, ScrollView, can_focus=True):
    """Arrow keys or j/k move; Enter acquires; a click selects; the highlighted profile is the
    current one. Drawn with the line API: as an OptionList it took ~20 ms to style and draw
    before the first frame, and repainted every row when the highlight moved."""

    BINDINGS = [
        Binding("down,j", "move(1)", "Down", show=False, id="profile.down"),
        Binding("up,k", "move(-1)", "Up", show=False, id="profile.up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="profile.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="profile.page_up"),
        Binding("home", "move_to(0)", "First", show=False, id="profile.first"),
        Binding("end", "move_to(-1)", "Last", show=False, id="profile.last"),
        Binding("enter", "select", "Acquire", show=False, id="profile.select"),
        # Only while a filter is on (check_action): otherwise Esc is the screen's (Cancel).
        Binding("escape", "clear_filter", "Clear filter", id="profile.clear_filter"),
    ]
    COMPONENT_CLASSES = {"profile-list--cursor", "profile-list--hover"}
    DEFAULT_CSS = """
    ProfileList { height: auto; padding: 0 1; color: $foreground; }
    ProfileList:focus { background-tint: $foreground 5%; }
    ProfileList > .profile-list--cursor { color: $foreground;
                                          background: $block-cursor-blurred-background; }
    ProfileList:focus > .profile-list--cursor { color: $block-cursor-foreground;
                                                background: $block-cursor-background;
                                                text-style: $block-cursor-text-style; }
    ProfileList > .profile-list--hover { background: $block-hover-background; }
    """

    class Selected(Message):
        """Enter on a profile: the app acquires a token for it."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return bool(self.needle)
        return True

    def action_clear_filter(self) -> None:
        """Esc in the list while a filter is on: the filter is cleared (and closed), the
        highlighted profile stays highlighted (the pane lists everything on the box's Changed)."""
        for box in self.screen.query(ProfileFilter):
            box.action_close()

    def __init__(self, *, id: str | None = None,  # noqa: A002 - Textual's naming
                 on_highlight: Callable[[str | None], None] | None = None) -> None:
        super().__init__(id=id)
        self._on_highlight = on_highlight
        self.all_profiles: tuple[Profile, ...] = ()
        self.ordered: list[Profile] = []
        self.needle = ""
        self.states: dict[str, ProfileState] = {}
        self._rows: list[tuple[str | None, Text]] = []  # (profile name or None, line)
        self._built_width = 0  # the width the rows were padded to
        self.highlighted: int | None = None  # the cursor's row
        self._hover: int | None = None

    # --- content ------------------------------------------------------------------------
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
        rows: list[tuple[str | None, Text]] = []
        for tenant, members in groups.items():
            rows.append((None, Text(shorten(safe_text(tenant), self._row_width()),
                                    style="bold cyan")))
            rows.extend((p.name, self._prompt(p)) for p in members)
        self._rows = rows
        self._built_width = self._row_width()
        self.forget()  # drawn lines are kept by row number: (row, look, focus, width)
        self.highlighted = None
        self.virtual_size = Size(self._built_width, len(rows))
        self.refresh(layout=True)
        names = [p.name for p in self.ordered]
        if names:
            self.highlight_profile(keep if keep in names else names[0])
        elif self._on_highlight is not None:
            self._on_highlight(None)

    @property
    def highlighted_name(self) -> str | None:
        if self.highlighted is None or self.highlighted >= len(self._rows):
            return None
        return self._rows[self.highlighted][0]

    def _prompt(self, profile: Profile) -> Text:
        """`1 name           ● 42m`: the state column padded to the list's width."""
        number = self.ordered.index(profile) + 1
        state = self.states.get(profile.name, NO_TOKEN)
        width = self._row_width()
        label = f" {state.label}"
        room = max(4, width - 2 - len(label))
        name = fit_name(safe_text(profile.name),  # the profile file is text anyone could edit
                        room, [safe_text(p.name) for p in self.ordered])
        return Text.assemble((f"{number} " if number <= 9 else "  ", "dim"),
                             name.ljust(room), (label, STATE_STYLES[state.kind]))

    def _row_width(self) -> int:
        return self.scrollable_content_region.width or DEFAULT_WIDTH

    def on_resize(self) -> None:
        # The state column follows the width; the first resize usually finds the rows
        # already built for it.
        if self.all_profiles and self._row_width() != self._built_width:
            self.show_profiles(self.all_profiles)

    def set_state(self, name: str, state: ProfileState) -> None:
        """Update one profile's state column (only when it changed: redraws cost time)."""
        if self.states.get(name, NO_TOKEN) == state:
            return
        self.states[name] = state
        for row, (row_name, _) in enumerate(self._rows):
            if row_name == name:
                profile = next(p for p in self.ordered if p.name == name)
                self._rows[row] = (name, self._prompt(profile))
                self._redraw_row(row)

    def _redraw_row(self, row: int) -> None:
        self.forget(lambda key: isinstance(key, tuple) and key[0] == row)
        self.refresh_line(row)

    def highlight_profile(self, name: str) -> None:
        row = next((i for i, (n, _) in enumerate(self._rows) if n == name), None)
        if row is not None:
            self._move_cursor(row)

    def profile_at(self, number: int) -> Profile | None:
        return self.ordered[number - 1] if 0 < number <= len(self.ordered) else None

    # --- cursor -------------------------------------------------------------------------
    def _move_cursor(self, row: int) -> None:
        previous, self.highlighted = self.highlighted, row
        if previous != row:
            for line in (previous, row):  # only the two rows whose look changed
                if line is not None:
                    self.refresh_line(line)
            self._scroll_to_row(row)
        if self._on_highlight is not None:
            self._on_highlight(self.highlighted_name)

    def _scroll_to_row(self, row: int) -> None:
        """Keep the cursor in view, with its tenant heading when that is the row above."""
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        first = row - 1 if row > 0 and self._rows[row - 1][0] is None else row
        if first < top:
            self.scroll_to(y=first, animate=False)
        elif height and row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False)

    def _profile_rows(self) -> list[int]:
        return [i for i, (name, _) in enumerate(self._rows) if name is not None]

    def action_move(self, step: int) -> None:
        rows = self._profile_rows()
        if not rows:
            return
        at = rows.index(self.highlighted) if self.highlighted in rows else 0
        self._move_cursor(rows[max(0, min(len(rows) - 1, at + step))])

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.scrollable_content_region.height - 1))

    def action_move_to(self, index: int) -> None:
        rows = self._profile_rows()
        if rows:
            self._move_cursor(rows[index])

    def action_select(self) -> None:
        name = self.highlighted_name
        if name is not None:
            self.post_message(self.Selected(name))

    # --- mouse --------------------------------------------------------------------------
    def _row_at(self, y: int) -> int | None:
        row = self.scroll_offset.y + y
        return row if 0 <= row < len(self._rows) and self._rows[row][0] is not None else None

    def on_click(self, event: events.Click) -> None:
        """A click selects the profile (Enter acquires)."""
        row = self._row_at(event.y)
        if row is not None:
            self._move_cursor(row)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._row_at(event.y))

    def on_leave(self) -> None:
        self._set_hover(None)

    def _set_hover(self, row: int | None) -> None:
        previous, self._hover = self._hover, row
        if previous != row:
            for line in (previous, row):  # each look of a row has its own kept line
                if line is not None:
                    self.refresh_line(line)

    # --- drawing ------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if row >= len(self._rows):
            return Strip.blank(width, base)
        look = 1 if row == self.highlighted else 2 if row == self._hover else 0
        # Kept: moving the cursor redraws two rows from the cache.
        strip = self.kept((row, look, self.has_focus, width),
                          lambda: self._draw_row(row, look, width, base))
        return self.selectable(strip, row)

    def _draw_row(self, row: int, look: int, width: int, base: Style) -> Strip:
        style = base
        if look:
            style = base + self.get_component_rich_style(
                "profile-list--cursor" if look == 1 else "profile-list--hover")
        return self.draw_text(self._rows[row][1], style).crop_extend(0, width, style).simplify()

    def selection_lines(self) -> Sequence[str]:
        return [text.plain for _, text in self._rows]

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
